//! The hash chain of a letter's history: each event's hash covers its own
//! fields and the previous event's hash, so changing, removing or reordering
//! any stored event breaks every hash after it.

use sha2::{Digest, Sha256};

/// The `prev_hash` of a letter's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event that its hash covers.
pub struct EventFields<'a> {
    pub letter_id: i32,
    pub seq: i32,
    pub kind: &'a str,
    pub status: &'a str,
    pub actor: &'a str,
    pub agency_id: Option<i32>,
    pub to_agency_id: Option<i32>,
    pub note: &'a str,
    pub internal: bool,
    /// UTC, microsecond precision (what both databases store exactly).
    pub at: chrono::NaiveDateTime,
    pub prev_hash: &'a str,
}

fn opt(v: Option<i32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Hex SHA-256 over a canonical encoding: fields in a fixed order, each
/// length-prefixed so no two different events encode alike.
pub fn event_hash(e: &EventFields<'_>) -> String {
    let at = e.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    let fields: [&str; 11] = [
        &e.letter_id.to_string(),
        &e.seq.to_string(),
        e.kind,
        e.status,
        e.actor,
        &opt(e.agency_id),
        &opt(e.to_agency_id),
        e.note,
        if e.internal { "1" } else { "0" },
        &at,
        e.prev_hash,
    ];
    let mut hasher = Sha256::new();
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(note: &'a str, prev: &'a str) -> EventFields<'a> {
        EventFields {
            letter_id: 1,
            seq: 1,
            kind: "registered",
            status: "registered",
            actor: "op",
            agency_id: Some(3),
            to_agency_id: None,
            note,
            internal: false,
            at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000)
                .map(|d| d.naive_utc())
                .unwrap_or_default(),
            prev_hash: prev,
        }
    }

    #[test]
    fn any_change_changes_the_hash() {
        let base = event_hash(&event("x", GENESIS));
        assert_eq!(base.len(), 64);
        assert_eq!(base, event_hash(&event("x", GENESIS)));
        assert_ne!(base, event_hash(&event("y", GENESIS)));
        assert_ne!(base, event_hash(&event("x", &base)));
    }

    #[test]
    fn field_boundaries_matter() {
        let mut a = event("", GENESIS);
        a.actor = "ab";
        let mut b = event("", GENESIS);
        b.actor = "a";
        b.note = "b";
        assert_ne!(event_hash(&a), event_hash(&b));
    }
}
