//! Iranian identifiers: the national code of a natural person, the national
//! ID of a legal person, and mobile numbers. Every parser accepts Persian and
//! Arabic-Indic digits and answers the canonical ASCII form.

use crate::normalize::ascii_digits;
use crate::ErrorCode;

/// A national code or legal national ID as typed into a lookup (tracking,
/// the duplicate check), in the form it is stored: ASCII digits only, and a
/// national code typed without its leading zeros padded back to ten.
pub fn lookup_national_id(input: &str) -> String {
    let digits: String = ascii_digits(input)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if (8..10).contains(&digits.len()) {
        format!("{digits:0>10}")
    } else {
        digits
    }
}

/// Why an identifier was refused (shown to the operator next to the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    Empty,
    NotDigits,
    WrongLength,
    AllSameDigit,
    CheckDigit,
    /// Fewer than 10 digits and wrong when padded: a dropped zero or digit.
    LeadingZero,
    NotMobile,
}

impl IdError {
    pub fn code(self) -> ErrorCode {
        match self {
            IdError::Empty => ErrorCode::Required,
            IdError::NotDigits => ErrorCode::IdDigitsOnly,
            IdError::WrongLength => ErrorCode::IdLength,
            IdError::AllSameDigit => ErrorCode::IdSameDigits,
            IdError::CheckDigit => ErrorCode::IdCheckDigit,
            IdError::LeadingZero => ErrorCode::IdLeadingZero,
            IdError::NotMobile => ErrorCode::MobileInvalid,
        }
    }
}

fn digits(input: &str) -> Result<Vec<u32>, IdError> {
    let cleaned: String = ascii_digits(input)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{200c}'))
        .collect();
    if cleaned.is_empty() {
        return Err(IdError::Empty);
    }
    cleaned
        .chars()
        .map(|c| c.to_digit(10).ok_or(IdError::NotDigits))
        .collect()
}

fn to_string(ds: &[u32]) -> String {
    ds.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// A natural person's 10-digit national code (کد ملی). Codes typed with 8 or 9
/// digits (leading zeros dropped) are left-padded.
pub fn parse_national_code(input: &str) -> Result<String, IdError> {
    let mut ds = digits(input)?;
    if !(8..=10).contains(&ds.len()) {
        return Err(IdError::WrongLength);
    }
    let typed = ds.len();
    while ds.len() < 10 {
        ds.insert(0, 0);
    }
    if ds.iter().all(|d| *d == ds[0]) {
        return Err(IdError::AllSameDigit);
    }
    let sum: u32 = ds[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| d * (10 - i as u32))
        .sum();
    let r = sum % 11;
    let check = if r < 2 { r } else { 11 - r };
    if check != ds[9] {
        return Err(if typed < 10 {
            IdError::LeadingZero
        } else {
            IdError::CheckDigit
        });
    }
    Ok(to_string(&ds))
}

/// A legal person's 11-digit national ID (شناسه ملی).
pub fn parse_legal_id(input: &str) -> Result<String, IdError> {
    const WEIGHTS: [u32; 10] = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17];
    let ds = digits(input)?;
    if ds.len() != 11 {
        return Err(IdError::WrongLength);
    }
    if ds.iter().all(|d| *d == ds[0]) {
        return Err(IdError::AllSameDigit);
    }
    let k = ds[9] + 2;
    let sum: u32 = ds[..10].iter().zip(WEIGHTS).map(|(d, w)| (d + k) * w).sum();
    let r = match sum % 11 {
        10 => 0,
        r => r,
    };
    if r != ds[10] {
        return Err(IdError::CheckDigit);
    }
    Ok(to_string(&ds))
}

/// An Iranian mobile number, normalised to `09xxxxxxxxx`. Accepts `09…`,
/// `9…`, `+989…`, `00989…` and `989…`, with spaces or dashes.
pub fn parse_mobile(input: &str) -> Result<String, IdError> {
    let raw = ascii_digits(input);
    let trimmed = raw.trim();
    let plus = trimmed.starts_with('+');
    let ds = digits(trimmed.trim_start_matches('+'))?;
    let s = to_string(&ds);
    let national = if let Some(rest) = s.strip_prefix("0098") {
        rest.to_owned()
    } else if let Some(rest) = s.strip_prefix("98").filter(|r| r.len() == 10) {
        rest.to_owned()
    } else if plus {
        return Err(IdError::NotMobile);
    } else if let Some(rest) = s.strip_prefix('0') {
        rest.to_owned()
    } else {
        s
    };
    if national.len() != 10 || !national.starts_with('9') {
        return Err(IdError::NotMobile);
    }
    Ok(format!("0{national}"))
}

/// Shows a mobile number with its middle digits hidden (`0912***4567`), for
/// public pages and logs.
pub fn mask_mobile(mobile: &str) -> String {
    if mobile.len() == 11 {
        format!("{}***{}", &mobile[..4], &mobile[7..])
    } else {
        "***".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes_looked_up_without_leading_zeros_match() {
        assert_eq!(lookup_national_id("۴۹۹۳۷۰۸۹۹"), "0499370899");
        assert_eq!(lookup_national_id("0499370899"), "0499370899");
        assert_eq!(lookup_national_id("101-0038-7181"), "10100387181");
    }

    // Computed by hand from the rule in DESIGN.md (independently of the code above):
    // 0499370899: Σ = 0*10+4*9+9*8+9*7+3*6+7*5+0*4+8*3+9*2 = 266, 266 mod 11 = 2 → 11-2 = 9 ✓
    // 1234567891: Σ = 10+18+24+28+30+30+28+24+18 = 210, 210 mod 11 = 1 → 1 ✓
    // 0013542419: Σ = 0+0+8+21+30+20+8+12+2 = 101, 101 mod 11 = 2 → 9 ✓, so 0013542418 ✗
    #[test]
    fn valid_national_codes_pass() {
        assert_eq!(parse_national_code("0499370899"), Ok("0499370899".into()));
        assert_eq!(parse_national_code("1234567891"), Ok("1234567891".into()));
        assert_eq!(parse_national_code("۰۴۹۹۳۷۰۸۹۹"), Ok("0499370899".into()));
        assert_eq!(parse_national_code("٠٤٩٩٣٧٠٨٩٩"), Ok("0499370899".into()));
        assert_eq!(parse_national_code("049-937-0899"), Ok("0499370899".into()));
        // Leading zero dropped by the applicant.
        assert_eq!(parse_national_code("499370899"), Ok("0499370899".into()));
    }

    #[test]
    fn invalid_national_codes_fail_with_a_reason() {
        assert_eq!(parse_national_code("0013542418"), Err(IdError::CheckDigit));
        assert_eq!(parse_national_code("0013542419"), Ok("0013542419".into()));
        assert_eq!(parse_national_code("1234567890"), Err(IdError::CheckDigit));
        // Nine digits that are wrong padded too: a digit went missing, not a typo in ten.
        assert_eq!(parse_national_code("123456788"), Err(IdError::LeadingZero));
        assert_eq!(IdError::LeadingZero.code(), crate::ErrorCode::IdLeadingZero);
        assert_eq!(
            parse_national_code("1111111111"),
            Err(IdError::AllSameDigit)
        );
        assert_eq!(
            parse_national_code("0000000000"),
            Err(IdError::AllSameDigit)
        );
        assert_eq!(parse_national_code("12345"), Err(IdError::WrongLength));
        assert_eq!(
            parse_national_code("12345678901"),
            Err(IdError::WrongLength)
        );
        assert_eq!(parse_national_code("12345a7891"), Err(IdError::NotDigits));
        assert_eq!(parse_national_code(""), Err(IdError::Empty));
    }

    // Legal IDs computed by hand (k = d[9] + 2, weights 29 27 23 19 17 repeating):
    // 1010038718?: d9 = 8, k = 10; (1+10)*29 + (0+10)*27 + (1+10)*23 + (0+10)*19 + (0+10)*17
    //   + (3+10)*29 + (8+10)*27 + (7+10)*23 + (1+10)*19 + (8+10)*17
    //   = 319+270+253+190+170+377+486+391+209+306 = 2971; 2971 mod 11 = 1 → 10100387181.
    // 1486000000?: d9 = 0, k = 2; 3*29+6*27+10*23+8*19+2*17+2*29+2*27+2*23+2*19+2*17
    //   = 87+162+230+152+34+58+54+46+38+34 = 895; 895 mod 11 = 4 → 14860000004.
    // (Checked with a separate script as well.)
    #[test]
    fn legal_ids_follow_their_weighted_check() {
        assert_eq!(parse_legal_id("10100387181"), Ok("10100387181".into()));
        assert_eq!(parse_legal_id("۱۴۸۶۰۰۰۰۰۰۴"), Ok("14860000004".into()));
        for wrong in ["10100387180", "10100387182", "14860000008"] {
            assert_eq!(parse_legal_id(wrong), Err(IdError::CheckDigit), "{wrong}");
        }
        assert_eq!(parse_legal_id("1010038718"), Err(IdError::WrongLength));
        assert_eq!(parse_legal_id("11111111111"), Err(IdError::AllSameDigit));
    }

    #[test]
    fn every_single_digit_change_of_a_legal_id_is_caught_or_still_valid_by_rule() {
        // Sanity: changing the check digit alone is always caught.
        for d in 0..10u32 {
            let candidate = format!("1010038718{d}");
            assert_eq!(parse_legal_id(&candidate).is_ok(), d == 1, "{candidate}");
        }
    }

    #[test]
    fn mobiles_are_normalised() {
        for input in [
            "09121234567",
            "+989121234567",
            "00989121234567",
            "989121234567",
            "9121234567",
            "۰۹۱۲ ۱۲۳ ۴۵۶۷",
            "0912-123-4567",
        ] {
            assert_eq!(parse_mobile(input), Ok("09121234567".into()), "{input}");
        }
        for input in [
            "02112345678",
            "0912123456",
            "+9809121234567x",
            "+449121234567",
            "091212345678",
        ] {
            assert!(parse_mobile(input).is_err(), "{input}");
        }
        assert_eq!(mask_mobile("09121234567"), "0912***4567");
    }
}
