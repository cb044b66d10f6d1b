//! The letter state machine, a pure function: the API uses it as the
//! authority, the SPA to show only the actions that are allowed.
//!
//! ```text
//! registered ─deliver→ delivered ─receive→ received ─answer→ answered ─close→ closed
//!                         │  ▲                │  │
//!                         │  └─────refer──────┘  │
//!                         └───────reject─────────┴──→ rejected
//! registered | delivered | received ─withdraw→ withdrawn
//! ```

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Registered,
    Delivered,
    Received,
    Answered,
    Rejected,
    Closed,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Deliver,
    Receive,
    Refer,
    Answer,
    Reject,
    Withdraw,
    Close,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Registered,
        Status::Delivered,
        Status::Received,
        Status::Answered,
        Status::Rejected,
        Status::Closed,
        Status::Withdrawn,
    ];

    /// States in which an agency still has to act: the letter is open, and
    /// its due date can pass.
    pub const AWAITING_AGENCY: [Status; 2] = [Status::Delivered, Status::Received];

    /// The names of [`Status::AWAITING_AGENCY`], as stored.
    pub const AWAITING_AGENCY_NAMES: [&'static str; 2] = ["delivered", "received"];

    pub fn awaits_agency(self) -> bool {
        Status::AWAITING_AGENCY.contains(&self)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Delivered => "delivered",
            Status::Received => "received",
            Status::Answered => "answered",
            Status::Rejected => "rejected",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The state in English (the SPA's and the tracking page's English).
    pub const fn english(self) -> &'static str {
        match self {
            Status::Registered => "Registered",
            Status::Delivered => "Delivered",
            Status::Received => "Received",
            Status::Answered => "Answered",
            Status::Rejected => "Rejected",
            Status::Closed => "Closed",
            Status::Withdrawn => "Withdrawn",
        }
    }

    /// The state in Persian, as staff read it (the SPA, exports).
    pub const fn persian(self) -> &'static str {
        match self {
            Status::Registered => "ثبت شده",
            Status::Delivered => "تحویل دستگاه شده",
            Status::Received => "دریافت شده توسط دستگاه",
            Status::Answered => "پاسخ داده شده",
            Status::Rejected => "رد شده",
            Status::Closed => "بسته شده",
            Status::Withdrawn => "بازپس گرفته شده",
        }
    }

    /// No action leads out of a final state.
    pub fn is_final(self) -> bool {
        allowed_actions(self).is_empty()
    }
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Deliver => "deliver",
            Action::Receive => "receive",
            Action::Refer => "refer",
            Action::Answer => "answer",
            Action::Reject => "reject",
            Action::Withdraw => "withdraw",
            Action::Close => "close",
        }
    }
}

/// The actions allowed in `state`.
pub fn allowed_actions(state: Status) -> &'static [Action] {
    use Action::*;
    match state {
        Status::Registered => &[Deliver, Withdraw],
        Status::Delivered => &[Receive, Reject, Withdraw],
        Status::Received => &[Answer, Refer, Reject, Withdraw],
        Status::Answered => &[Close],
        Status::Rejected | Status::Closed | Status::Withdrawn => &[],
    }
}

/// An action that is not allowed in the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAllowed {
    pub state: Status,
    pub action: Action,
    pub allowed: &'static [Action],
}

impl std::fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let allowed: Vec<&str> = self.allowed.iter().map(|a| a.as_str()).collect();
        write!(
            f,
            "cannot {} a letter that is {}; allowed: {}",
            self.action.as_str(),
            self.state.as_str(),
            if allowed.is_empty() {
                "nothing (final state)".to_owned()
            } else {
                allowed.join(", ")
            }
        )
    }
}

/// The state after `action`, or why it is not allowed.
pub fn transition(state: Status, action: Action) -> Result<Status, NotAllowed> {
    let allowed = allowed_actions(state);
    if !allowed.contains(&action) {
        return Err(NotAllowed {
            state,
            action,
            allowed,
        });
    }
    Ok(match action {
        Action::Deliver | Action::Refer => Status::Delivered,
        Action::Receive => Status::Received,
        Action::Answer => Status::Answered,
        Action::Reject => Status::Rejected,
        Action::Withdraw => Status::Withdrawn,
        Action::Close => Status::Closed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_names_of_open_states_match_the_states() {
        let names = Status::AWAITING_AGENCY.map(Status::as_str);
        assert_eq!(names, Status::AWAITING_AGENCY_NAMES);
    }

    #[test]
    fn the_happy_path_ends_closed() {
        let mut s = Status::Registered;
        for a in [
            Action::Deliver,
            Action::Receive,
            Action::Refer,
            Action::Receive,
            Action::Answer,
            Action::Close,
        ] {
            s = transition(s, a).expect("allowed");
        }
        assert_eq!(s, Status::Closed);
        assert!(s.is_final());
    }

    #[test]
    fn withdrawal_is_only_possible_before_an_answer() {
        assert_eq!(
            transition(Status::Received, Action::Withdraw),
            Ok(Status::Withdrawn)
        );
        let err = transition(Status::Answered, Action::Withdraw).expect_err("answered");
        assert_eq!(err.allowed, &[Action::Close]);
        assert!(err.to_string().contains("allowed: close"));
    }

    #[test]
    fn refer_needs_the_letter_received_first() {
        assert!(transition(Status::Delivered, Action::Refer).is_err());
        assert_eq!(
            transition(Status::Received, Action::Refer),
            Ok(Status::Delivered)
        );
    }

    #[test]
    fn final_states_allow_nothing() {
        for s in [Status::Rejected, Status::Closed, Status::Withdrawn] {
            for a in [
                Action::Deliver,
                Action::Receive,
                Action::Refer,
                Action::Answer,
                Action::Reject,
                Action::Withdraw,
                Action::Close,
            ] {
                assert!(transition(s, a).is_err());
            }
        }
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
