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

/// A word in a letter's search text that names who may see the letter: its
/// counter office, and each agency it was delivered to. A words search of
/// an office or an agency asks the index for its words *and* its scope word,
/// so the index itself yields only that caller's letters, newest first,
/// instead of every match in the province to be filtered one by one. (The
/// scope is still checked on the rows: the word only makes it cheap.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeWord {
    Office(i32),
    Agency(i32),
}

impl ScopeWord {
    /// Latin letters and digits: one token for both tokenizers, and no
    /// Persian word a person types.
    pub fn text(self) -> String {
        match self {
            ScopeWord::Office(id) => format!("zzo{id}"),
            ScopeWord::Agency(id) => format!("zza{id}"),
        }
    }
}

/// How a word of a search is asked of FTS5 (SQLite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FtsWord {
    /// As a prefix, which FTS5 answers by merging the doclists of every term
    /// it begins over the whole province before the other words narrow it.
    Prefix(String),
    /// As the whole terms it begins, looked up beforehand, which FTS5 reads
    /// by seeking where the other words and the scope word lead.
    Terms(Vec<String>),
}

/// The FTS5 MATCH expression: every word as a quoted prefix or the terms it
/// begins, all required, and the scope word exactly.
pub fn fts5_query(words: &[FtsWord], scope: Option<ScopeWord>) -> String {
    fn quoted(term: &str) -> String {
        format!("\"{}\"", term.replace('"', "\"\""))
    }
    let mut terms: Vec<String> = words
        .iter()
        .map(|w| match w {
            FtsWord::Prefix(word) => format!("{}*", quoted(word)),
            FtsWord::Terms(terms) => {
                let terms: Vec<String> = terms.iter().map(|t| quoted(t)).collect();
                format!("({})", terms.join(" OR "))
            }
        })
        .collect();
    terms.extend(scope.map(|s| quoted(&s.text())));
    terms.join(" AND ")
}

/// The most index terms a word of a search is looked up as, one by one
/// (itself included); a word that starts more is asked as a prefix (FTS5)
/// or left to the GIN index (PostgreSQL).
pub const MOST_TERMS: usize = 8;

/// Whether `word` is one token as both databases index it: lower-case
/// ASCII letters and digits (words are searched lower-cased), and
/// Arabic-script letters without marks, which PostgreSQL's text search
/// parser keeps together and FTS5's `unicode61` neither splits nor folds (a
/// test asks the bundled SQLite). Such a word is one term, and the terms it
/// begins are a range of an index ordered by term.
pub fn is_one_token(word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || ('\u{0621}'..='\u{064A}').contains(&c)
                || ('\u{0671}'..='\u{06D3}').contains(&c)
        })
}

/// Whether `word` can drive a scoped words search on PostgreSQL: one
/// lexeme ([`is_one_token`]) and not a number, since numbers are not kept
/// by scope (migration 000023).
pub fn drives_scoped_search(word: &str) -> bool {
    is_one_token(word) && !word.chars().all(|c| c.is_ascii_digit())
}

/// The bounds of the index terms that start with `word`, itself included
/// (terms compare as UTF-8 bytes, so as code points).
pub fn terms_range(word: &str) -> (String, String) {
    (word.to_owned(), format!("{word}\u{10FFFF}"))
}

/// The PostgreSQL `to_tsquery('simple', …)` text: every word a quoted
/// prefix, all required, and the scope word exactly.
pub fn tsquery(words: &[String], scope: Option<ScopeWord>) -> String {
    let mut terms: Vec<String> = words.iter().map(|w| format!("'{w}':*")).collect();
    terms.extend(scope.map(|s| format!("'{}'", s.text())));
    terms.join(" & ")
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
    fn queries_quote_every_word_as_a_prefix_or_its_terms() {
        let words = vec!["قبض".to_owned(), "1405/12".to_owned()];
        let asked = [
            FtsWord::Prefix(words[0].clone()),
            FtsWord::Prefix(words[1].clone()),
        ];
        assert_eq!(fts5_query(&asked, None), "\"قبض\"* AND \"1405/12\"*");
        assert_eq!(tsquery(&words, None), "'قبض':* & '1405/12':*");
        let asked = [
            FtsWord::Terms(vec!["کریمی".into(), "کریمیان".into()]),
            FtsWord::Prefix("a\"b".into()),
        ];
        assert_eq!(
            fts5_query(&asked, Some(ScopeWord::Office(3))),
            "(\"کریمی\" OR \"کریمیان\") AND \"a\"\"b\"* AND \"zzo3\""
        );
    }

    #[test]
    fn the_scope_word_is_matched_exactly_and_survives_normalisation() {
        let words = vec!["قبض".to_owned()];
        let office = Some(ScopeWord::Office(12));
        let asked = [FtsWord::Prefix(words[0].clone())];
        assert_eq!(fts5_query(&asked, office), "\"قبض\"* AND \"zzo12\"");
        assert_eq!(
            tsquery(&words, Some(ScopeWord::Agency(3))),
            "'قبض':* & 'zza3'"
        );
        // Stored search text is normalised: the word must come out as it went in.
        let text = ScopeWord::Office(12).text();
        assert_eq!(search_text(&[&text]), text);
        assert_ne!(ScopeWord::Office(1).text(), ScopeWord::Agency(1).text());
    }

    #[test]
    fn a_word_of_letters_is_one_token_and_its_terms_a_range() {
        assert!(is_one_token("کریمی") && is_one_token("ab12"));
        // Separators, marks and ZWNJ split or may split a token: such words never drive.
        for word in ["bnd-1", "مِهر", "می\u{200c}خواهم", "1405/12", "Ab", ""] {
            assert!(!is_one_token(word), "{word}");
        }
        let (from, to) = terms_range("کریمی");
        for term in ["کریمی", "کریمیان"] {
            assert!(from.as_str() <= term && term < to.as_str(), "{term}");
        }
        assert!("کریم" < from.as_str() && "کریمی\u{10FFFF}" >= to.as_str());
    }
}
