//! Tracking codes: 11 random digits and a Damm check digit (12 digits).
//!
//! Numeric so they can be read over the phone and typed on any keypad;
//! random (from the caller's CSPRNG: this crate does no I/O) so they are not
//! guessable; the Damm digit catches every single wrong digit and every swap
//! of two adjacent digits.

use crate::normalize::ascii_digits;

pub const RANDOM_DIGITS: usize = 11;
pub const LENGTH: usize = RANDOM_DIGITS + 1;

/// Damm's totally anti-symmetric quasigroup of order 10.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm_interim(digits: impl Iterator<Item = u8>) -> u8 {
    digits.fold(0, |interim, d| DAMM[interim as usize][d as usize])
}

/// The check digit of `digits` (each 0–9).
pub fn check_digit(digits: &[u8]) -> u8 {
    damm_interim(digits.iter().copied())
}

/// Builds a code from 11 random values (any `u32`s from a CSPRNG); the first
/// digit is never 0 so the code survives spreadsheets and phone keypads.
pub fn from_random(random: [u32; RANDOM_DIGITS]) -> String {
    let mut digits: Vec<u8> = random.iter().map(|r| (r % 10) as u8).collect();
    digits[0] = 1 + (random[0] % 9) as u8;
    let check = check_digit(&digits);
    digits.push(check);
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// Why a typed tracking code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingError {
    WrongLength,
    NotDigits,
    CheckDigit,
}

impl TrackingError {
    pub fn code(self) -> crate::ErrorCode {
        match self {
            TrackingError::WrongLength => crate::ErrorCode::TrackingLength,
            TrackingError::NotDigits => crate::ErrorCode::TrackingDigitsOnly,
            TrackingError::CheckDigit => crate::ErrorCode::TrackingCheckDigit,
        }
    }
}

/// Reads a typed code: Persian/Arabic digits, spaces and dashes accepted.
pub fn parse(input: &str) -> Result<String, TrackingError> {
    let cleaned: String = ascii_digits(input)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{200c}'))
        .collect();
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err(TrackingError::NotDigits);
    }
    if cleaned.len() != LENGTH {
        return Err(TrackingError::WrongLength);
    }
    if damm_interim(cleaned.bytes().map(|b| b - b'0')) != 0 {
        return Err(TrackingError::CheckDigit);
    }
    Ok(cleaned)
}

/// `1234-5678-9012`: groups of four for receipts and SMS.
pub fn display(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        from_random([7, 2, 9, 4, 4, 0, 1, 8, 3, 6, 5])
    }

    #[test]
    fn generated_codes_parse_back() {
        let code = sample();
        assert_eq!(code.len(), 12);
        assert_eq!(parse(&code), Ok(code.clone()));
        assert_eq!(parse(&display(&code)), Ok(code.clone()));
        let persian: String = code
            .chars()
            .map(|c| char::from_u32('۰' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
            .collect();
        assert_eq!(parse(&persian), Ok(code));
    }

    #[test]
    fn every_single_digit_error_is_detected() {
        for seed in 0..50u32 {
            let code = from_random(std::array::from_fn(|i| seed * 31 + i as u32 * 7));
            let bytes = code.as_bytes();
            for pos in 0..LENGTH {
                for d in b'0'..=b'9' {
                    if d == bytes[pos] {
                        continue;
                    }
                    let mut wrong = bytes.to_vec();
                    wrong[pos] = d;
                    let wrong = String::from_utf8(wrong).unwrap_or_default();
                    assert_eq!(
                        parse(&wrong),
                        Err(TrackingError::CheckDigit),
                        "{code} → {wrong}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_adjacent_swap_is_detected() {
        for seed in 0..50u32 {
            let code = from_random(std::array::from_fn(|i| seed * 17 + i as u32 * 3));
            let bytes = code.as_bytes();
            for pos in 0..LENGTH - 1 {
                if bytes[pos] == bytes[pos + 1] {
                    continue;
                }
                let mut swapped = bytes.to_vec();
                swapped.swap(pos, pos + 1);
                let swapped = String::from_utf8(swapped).unwrap_or_default();
                assert_eq!(
                    parse(&swapped),
                    Err(TrackingError::CheckDigit),
                    "{code} → {swapped}"
                );
            }
        }
    }

    #[test]
    fn first_digit_is_never_zero_and_bad_input_is_named() {
        assert_ne!(from_random([0; 11]).as_bytes()[0], b'0');
        assert_eq!(parse("123"), Err(TrackingError::WrongLength));
        assert_eq!(parse("12345678901x"), Err(TrackingError::NotDigits));
    }
}
