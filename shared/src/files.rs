//! Which attachment types are accepted, recognised from the bytes (never from
//! the file name, which the uploader chooses).

/// Bytes needed to recognise every accepted type.
pub const SNIFF_LEN: usize = 8;

/// The media type of a file from its first bytes, if it is one we accept
/// (PDF, JPEG, PNG).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Bidirectional formatting characters: an override (U+202E) makes
/// `fdp.exe` display as `exe.pdf`. (ZWNJ, which Persian words need, stays.)
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A file name safe to store, show and send back in `Content-Disposition`:
/// no path, no control or bidi formatting characters, at most 150 characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && *c != '"')
        .take(150)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "attachment".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_types_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0"), None);
        assert_eq!(sniff(b"MZ"), None);
    }

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\a\\نامه.pdf"), "نامه.pdf");
        assert_eq!(clean_file_name(""), "attachment");
    }

    #[test]
    fn file_names_cannot_spoof_their_direction() {
        assert_eq!(clean_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_file_name("\u{2067}a\u{2069}\u{200F}.pdf"), "a.pdf");
        // ZWNJ is part of Persian words and stays.
        assert_eq!(clean_file_name("نامه\u{200C}ها.pdf"), "نامه\u{200C}ها.pdf");
    }
}
