//! What a letters search (`q`) asks for, decided once for both databases:
//! a tracking code or a national code is looked up exactly (an indexed
//! equality, however it was typed: Persian digits, dashes, spaces, the
//! receipt's `4076-4232-3733`); anything else is a words search, every word
//! a prefix, over the Persian-normalised search text (SQLite FTS5,
//! PostgreSQL `tsvector`).

use crate::directory::search_text;
use crate::normalize::ascii_digits;

/// A parsed `q`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LetterSearch {
    /// A complete tracking code with a valid check digit.
    TrackingCode(String),
    /// Ten digits (a person's national code) or eleven (a company's national ID).
    NationalId(String),
    /// Normalised words, each matched as a prefix; all must match.
    Words(Vec<String>),
}

/// Reads `q`; `None` when it holds nothing to search for.
pub fn parse_letter_search(q: &str) -> Option<LetterSearch> {
    let compact: String = ascii_digits(q)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{200c}' | '_' | '.'))
        .collect();
    if !compact.is_empty() && compact.chars().all(|c| c.is_ascii_digit()) {
        if let Ok(code) = crate::tracking::parse(&compact) {
            return Some(LetterSearch::TrackingCode(code));
        }
        if matches!(compact.len(), 10 | 11) {
            return Some(LetterSearch::NationalId(compact));
        }
    }
    let words: Vec<String> = search_text(&[q])
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| !matches!(c, '"' | '\'' | '\\'))
                .collect::<String>()
        })
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(8)
        .collect();
    (!words.is_empty()).then_some(LetterSearch::Words(words))
}

/// The FTS5 MATCH expression: every word a quoted prefix phrase, all required.
pub fn fts5_query(words: &[String]) -> String {
    join(words, |w| format!("\"{w}\"*"), " ")
}

/// The PostgreSQL `to_tsquery('simple', …)` text: every word a quoted prefix, all required.
pub fn tsquery(words: &[String]) -> String {
    join(words, |w| format!("'{w}':*"), " & ")
}

fn join(words: &[String], quote: impl Fn(&str) -> String, and: &str) -> String {
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(and)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> String {
        crate::tracking::from_random([7, 2, 9, 4, 4, 0, 1, 8, 3, 6, 5])
    }

    #[test]
    fn a_tracking_code_is_found_however_it_was_typed() {
        let code = code();
        let printed = crate::tracking::display(&code);
        let persian = crate::sms::persian_digits(&printed);
        for typed in [code.clone(), printed, persian, format!(" {code} ")] {
            assert_eq!(
                parse_letter_search(&typed),
                Some(LetterSearch::TrackingCode(code.clone())),
                "{typed}"
            );
        }
    }

    #[test]
    fn ten_or_eleven_digits_are_a_national_id() {
        assert_eq!(
            parse_letter_search("۰۰۱۲۳۴۵۶۷۸"),
            Some(LetterSearch::NationalId("0012345678".into()))
        );
        assert_eq!(
            parse_letter_search("1086-0000-001"),
            Some(LetterSearch::NationalId("10860000001".into()))
        );
    }

    #[test]
    fn anything_else_is_words_normalised() {
        assert_eq!(
            parse_letter_search("  علي   كريمي "),
            Some(LetterSearch::Words(vec!["علی".into(), "کریمی".into()]))
        );
        // A mistyped tracking code is not silently "found": it is searched as words.
        let mut wrong = code();
        wrong.replace_range(0..1, if wrong.starts_with('1') { "2" } else { "1" });
        assert!(matches!(
            parse_letter_search(&wrong),
            Some(LetterSearch::Words(_))
        ));
        assert_eq!(parse_letter_search(" \" ' "), None);
    }

    #[test]
    fn queries_quote_every_word_as_a_prefix() {
        let words = vec!["قبض".to_owned(), "1405/12".to_owned()];
        assert_eq!(fts5_query(&words), "\"قبض\"* \"1405/12\"*");
        assert_eq!(tsquery(&words), "'قبض':* & '1405/12':*");
    }
}
