//! Persian input normalisation.
//!
//! Operators type on Persian, Arabic and Latin keyboards; the same name or
//! number must match however it was typed. Every input that is stored for
//! search, and every query, goes through [`normalize_text`]; every numeric
//! identifier through [`ascii_digits`].

/// Maps Persian (`۰`–`۹`) and Arabic-Indic (`٠`–`٩`) digits to ASCII; other characters unchanged.
pub fn ascii_digit(c: char) -> char {
    match c {
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        other => other,
    }
}

/// Replaces Persian and Arabic-Indic digits by ASCII digits.
pub fn ascii_digits(input: &str) -> String {
    input.chars().map(ascii_digit).collect()
}

/// Maps Arabic letter forms to their Persian counterparts (`ي`/`ى` → `ی`, `ك` → `ک`).
fn persian_letter(c: char) -> char {
    match c {
        'ي' | 'ى' => 'ی',
        'ك' => 'ک',
        other => other,
    }
}

/// Normalises free text for storage and search: ASCII digits, Persian letter
/// forms, zero-width non-joiner kept, other white space trimmed and
/// collapsed, control characters (NUL among them) dropped.
pub fn normalize_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for word in input.split_whitespace() {
        let word: String = word
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| persian_letter(ascii_digit(c)))
            .collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

/// A multi-line text (a letter's body, an answer) as stored: trimmed, line
/// ends as `\n`, control characters other than line breaks and tabs dropped
/// (a NUL is not text, and PostgreSQL refuses it).
pub fn normalize_body(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_and_arabic_digits_become_ascii() {
        assert_eq!(ascii_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(ascii_digits("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(ascii_digits("کد ۱۲-ab"), "کد 12-ab");
    }

    #[test]
    fn arabic_letters_become_persian_and_space_collapses() {
        assert_eq!(normalize_text("  علي   كريمي\t"), "علی کریمی");
        assert_eq!(normalize_text("موسى"), "موسی");
        assert_eq!(normalize_text("پلاک ۱۲"), "پلاک 12");
    }

    #[test]
    fn control_characters_are_not_text() {
        assert_eq!(normalize_text("a\u{0}b \u{1b} c"), "ab c");
        assert_eq!(
            normalize_body(" سطر ۱\r\nسطر\u{0} ۲\t. "),
            "سطر ۱\nسطر ۲\t."
        );
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        let once = normalize_text(" يك  ۲ ");
        assert_eq!(normalize_text(&once), once);
    }
}
