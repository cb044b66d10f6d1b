//! Whether a letter being registered repeats one the applicant already has
//! open at the same agency: the subjects compared word by word after the
//! Persian normalisation (ي/ی, ك/ک, Persian and Arabic digits), with
//! diacritics and half-spaces removed and the little words that every
//! subject has ("از", "به", "درخواست") left out.
//!
//! Token overlap, not trigram similarity: counter subjects are short
//! ("قطعی آب", "قطعی مکرر آب کوچه ۵"), so the share of the shorter subject's
//! words found in the other says "the same matter" better than a similarity
//! that a long subject dilutes; and it needs no database extension.

use std::collections::BTreeSet;

/// How many days back an open letter counts as a possible duplicate.
pub const WINDOW_DAYS: i64 = 30;

/// Overlap at or above which two subjects are "similar".
pub const SIMILAR: f64 = 0.6;

/// Words too common in subjects to say anything.
const LITTLE_WORDS: [&str; 24] = [
    "از",
    "به",
    "در",
    "با",
    "که",
    "و",
    "را",
    "این",
    "آن",
    "برای",
    "تا",
    "یا",
    "بر",
    "هم",
    "درخواست",
    "تقاضا",
    "موضوع",
    "مورد",
    "جهت",
    "بابت",
    "اینجانب",
    "لطفا",
    "شماره",
    "خصوص",
];

/// Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef).
fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// The words of `subject` that can tell one matter from another.
pub fn subject_words(subject: &str) -> BTreeSet<String> {
    crate::normalize::normalize_text(subject)
        .split(|c: char| c.is_whitespace() || matches!(c, '،' | ',' | '.' | '؛' | ':' | '-' | '/'))
        .map(|word| {
            word.chars()
                .filter(|c| !is_diacritic(*c) && *c != '\u{200C}' && *c != 'ـ')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|word| word.chars().count() >= 2 && !LITTLE_WORDS.contains(&word.as_str()))
        .collect()
}

/// The share of the shorter subject's words that the other has (0 to 1).
pub fn overlap(a: &str, b: &str) -> f64 {
    let (a, b) = (subject_words(a), subject_words(b));
    let shorter = a.len().min(b.len());
    if shorter == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / shorter as f64
}

/// Whether two subjects are about the same matter.
pub fn similar(a: &str, b: &str) -> bool {
    overlap(a, b) >= SIMILAR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_letters_half_spaces_and_diacritics_do_not_hide_a_repeat() {
        let persian = "قطعی مکرر آب در کوچه‌ی ۵";
        let arabic = "قطعي مكرر آبِ كوچهی 5";
        assert_eq!(overlap(persian, arabic), 1.0);
        assert!(similar(persian, arabic));
    }

    #[test]
    fn a_short_subject_inside_a_longer_one_is_similar() {
        assert!(similar("قطعی آب", "درخواست رسیدگی به قطعی آب کوچه"));
    }

    #[test]
    fn different_matters_are_not_similar() {
        assert!(!similar("قطعی آب", "قبض برق اشتباه"));
        assert!(
            !similar("درخواست", "درخواست"),
            "little words alone say nothing"
        );
        assert_eq!(overlap("", "قطعی آب"), 0.0);
    }

    #[test]
    fn one_shared_word_of_three_is_not_enough() {
        // 1 of 3 words: 0.33.
        assert!(!similar("قبض آب اشتباه", "قطعی آب شبانه"));
    }
}
