//! Who may see or change what, decided in one place for every caller: the
//! rules the routes and workflow steps ask (the scope of letter queries is
//! `Principal::letters_scope`, the roles' extractors are in `principal`).
//! `docs/authorization.md` is the resulting table, checked by a test.

use shared::auth::{ClientScope, Role};
use shared::letters::Letter;

use super::{Principal, PrincipalKind};
use crate::db::letters::LetterRow;
use crate::error::ApiError;

/// The agency a caller works for when it reads the inbox (`scope` is
/// `inbox:read`) or acts on the letters it holds (`inbox:write`): an
/// agency's clerk, or an agency's client granted `scope`.
pub fn agency_worker(p: &Principal, scope: ClientScope) -> Result<i32, ApiError> {
    let allowed = match p.kind {
        PrincipalKind::Staff => p.role == Some(Role::Clerk),
        PrincipalKind::Client => p.has_scope(scope),
    };
    match (&p.agency, allowed) {
        (Some((agency, _)), true) => Ok(*agency),
        _ => Err(ApiError::forbidden(format!(
            "only agency clerks (or agency clients with `{}`) do this",
            scope.as_str()
        ))),
    }
}

/// The holding agency's steps (answer, refer, reject) are its own: another
/// agency that got the letter as a copy (رونوشت) has it for information only.
pub fn require_holder(agency: i32, holder: i32, copy_here: bool) -> Result<(), ApiError> {
    match (agency == holder, copy_here) {
        (true, _) => Ok(()),
        (false, true) => Err(ApiError::Forbidden(
            shared::ErrorCode::CopyForInformation,
            "your agency has this letter as a copy, for information".into(),
        )),
        (false, false) => Err(ApiError::forbidden("the letter is not at your agency now")),
    }
}

/// Admins and auditors: they read the province's audit trail and SMS records.
pub fn require_overseer(p: &Principal) -> Result<(), ApiError> {
    if p.is_role(Role::Admin) || p.is_role(Role::Auditor) {
        Ok(())
    } else {
        Err(ApiError::forbidden("admins and auditors only"))
    }
}

/// Internal notes are written by staff who work on letters (auditors only
/// read; system clients do not write notes).
pub fn may_add_note(p: &Principal) -> bool {
    p.kind == PrincipalKind::Staff && !p.is_role(Role::Auditor)
}

/// Who wrote an internal note: staff of an agency (the note carries the
/// agency), or of the letter's registering office (it carries none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteAuthor {
    Agency(i32),
    Office(i32),
}

impl NoteAuthor {
    /// The organisation of a note stored with `agency_id` on a letter of
    /// `letter_office` (an office's staff can only note its own letters).
    pub fn of(agency_id: Option<i32>, letter_office: i32) -> NoteAuthor {
        match agency_id {
            Some(agency) => NoteAuthor::Agency(agency),
            None => NoteAuthor::Office(letter_office),
        }
    }
}

/// An internal note is seen by staff of the organisation that wrote it, by
/// admins and auditors, and by that agency's own system clients granted
/// `notes:read`; never by other agencies or offices, portal clients or the
/// public.
pub fn sees_internal_note(p: &Principal, author: NoteAuthor) -> bool {
    let agency = p.agency.as_ref().map(|(id, _)| *id);
    let office = p.office.as_ref().map(|(id, _)| *id);
    match (p.kind, author) {
        (PrincipalKind::Staff, _) if matches!(p.role, Some(Role::Admin | Role::Auditor)) => true,
        (PrincipalKind::Staff, NoteAuthor::Agency(a)) => {
            p.role == Some(Role::Clerk) && agency == Some(a)
        }
        (PrincipalKind::Staff, NoteAuthor::Office(o)) => {
            p.role == Some(Role::Operator) && office == Some(o)
        }
        (PrincipalKind::Client, NoteAuthor::Agency(a)) => {
            agency == Some(a) && p.has_scope(ClientScope::NotesRead)
        }
        (PrincipalKind::Client, NoteAuthor::Office(_)) => false,
    }
}

/// Who records or lifts an applicant's SMS opt-out through a letter: the
/// registering office's operators, and admins. (Listing or editing opt-outs
/// by number, province-wide, is for admins alone.)
pub fn may_change_opt_out(p: &Principal, letter_office: i32) -> bool {
    p.is_role(Role::Admin)
        || (p.is_role(Role::Operator)
            && p.office.as_ref().map(|(id, _)| *id) == Some(letter_office))
}

/// Whose answer templates a caller reads: an agency's clerks, and its
/// system clients granted `inbox:read`, their own agency's (`Some`); admins
/// every agency's (`None`).
pub fn answer_templates_readable(p: &Principal) -> Result<Option<i32>, ApiError> {
    if p.is_role(Role::Admin) {
        return Ok(None);
    }
    agency_worker(p, ClientScope::InboxRead)
        .map(Some)
        .map_err(|_| {
            ApiError::forbidden(
                "only agency clerks, their agency's clients and admins read answer templates",
            )
        })
}

/// Who keeps an agency's answer templates: the agency's clerks, and admins
/// (system clients use them, and keep their own texts at home).
pub fn may_manage_answer_templates(p: &Principal, agency: i32) -> bool {
    p.is_role(Role::Admin)
        || (p.is_role(Role::Clerk) && p.agency.as_ref().map(|(id, _)| *id) == Some(agency))
}

/// Who reads a confidential letter's subject, body and files: the
/// registering office's operators, the holding agency's clerks and its
/// system clients, and admins. Everyone else who may see the letter sees its
/// route and state with [`shared::letters::CONFIDENTIAL`] for its subject.
/// Lists, searches, exports and reports never show the text, even to them.
pub fn may_read_text(p: &Principal, letter: &LetterRow) -> bool {
    if !letter.is_confidential() || p.is_role(Role::Admin) {
        return true;
    }
    let agency = p.agency.as_ref().map(|(id, _)| *id);
    let office = p.office.as_ref().map(|(id, _)| *id);
    match p.kind {
        PrincipalKind::Staff => {
            (p.is_role(Role::Operator) && office == Some(letter.counter_office_id))
                || (p.is_role(Role::Clerk) && agency == Some(letter.holder_agency_id))
        }
        PrincipalKind::Client => agency == Some(letter.holder_agency_id),
    }
}

/// `letter` (the wire form of `row`) as `p` may see it, and whether this is
/// a read of a confidential letter's text, which the caller records in the
/// audit trail (`db::confidential::record_read`).
pub fn letter_as_seen(p: &Principal, row: &LetterRow, letter: Letter) -> (Letter, bool) {
    match (row.is_confidential(), may_read_text(p, row)) {
        (false, _) => (letter, false),
        (true, true) => (letter, true),
        (true, false) => (letter.concealed(), false),
    }
}

/// A confidential letter's attachment is read only by those of [`may_read_text`].
pub fn require_text_reader(p: &Principal, letter: &LetterRow) -> Result<(), ApiError> {
    if may_read_text(p, letter) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            shared::ErrorCode::LetterConfidential,
            "the letter is confidential".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, office: Option<i32>, agency: Option<i32>) -> Principal {
        Principal {
            kind: PrincipalKind::Staff,
            id: 1,
            name: "someone".into(),
            role: Some(role),
            office: office.map(|id| (id, format!("office-{id}"))),
            agency: agency.map(|id| (id, format!("agency-{id}"))),
            scopes: vec![],
        }
    }

    fn client(agency: Option<i32>, office: Option<i32>, granted: &[ClientScope]) -> Principal {
        Principal {
            kind: PrincipalKind::Client,
            role: None,
            scopes: granted.to_vec(),
            ..staff(Role::Clerk, office, agency)
        }
    }

    #[test]
    fn a_confidential_text_is_for_its_office_its_holder_and_admins() {
        let mut letter = crate::db::letters::tests::row(3, 7);
        letter.classification = "confidential".into();
        assert!(may_read_text(
            &staff(Role::Operator, Some(3), None),
            &letter
        ));
        assert!(may_read_text(&staff(Role::Clerk, None, Some(7)), &letter));
        assert!(may_read_text(&staff(Role::Admin, None, None), &letter));
        assert!(may_read_text(
            &client(Some(7), None, &[ClientScope::InboxRead]),
            &letter
        ));
        assert!(!may_read_text(&staff(Role::Auditor, None, None), &letter));
        assert!(!may_read_text(
            &staff(Role::Operator, Some(4), None),
            &letter
        ));
        assert!(!may_read_text(&staff(Role::Clerk, None, Some(8)), &letter));
        assert!(!may_read_text(
            &client(None, Some(3), &[ClientScope::LettersRead]),
            &letter
        ));
        letter.classification = "normal".into();
        assert!(may_read_text(&staff(Role::Auditor, None, None), &letter));
    }

    #[test]
    fn an_agency_note_stays_with_the_agency_and_the_overseers() {
        let note = NoteAuthor::Agency(7);
        assert!(sees_internal_note(&staff(Role::Clerk, None, Some(7)), note));
        assert!(sees_internal_note(&staff(Role::Admin, None, None), note));
        assert!(sees_internal_note(&staff(Role::Auditor, None, None), note));
        assert!(!sees_internal_note(
            &staff(Role::Clerk, None, Some(8)),
            note
        ));
        assert!(!sees_internal_note(
            &staff(Role::Operator, Some(3), None),
            note
        ));
        assert!(!sees_internal_note(
            &client(Some(7), None, &[ClientScope::LettersRead]),
            note
        ));
        assert!(sees_internal_note(
            &client(Some(7), None, &[ClientScope::NotesRead]),
            note
        ));
        assert!(!sees_internal_note(
            &client(Some(8), None, &[ClientScope::NotesRead]),
            note
        ));
        assert!(!sees_internal_note(
            &client(None, Some(3), &[ClientScope::NotesRead]),
            note
        ));
    }

    #[test]
    fn an_office_note_stays_with_the_office_and_the_overseers() {
        let note = NoteAuthor::Office(3);
        assert!(sees_internal_note(
            &staff(Role::Operator, Some(3), None),
            note
        ));
        assert!(!sees_internal_note(
            &staff(Role::Operator, Some(4), None),
            note
        ));
        assert!(!sees_internal_note(
            &staff(Role::Clerk, None, Some(7)),
            note
        ));
        assert!(!sees_internal_note(
            &client(None, Some(3), &[ClientScope::LettersRead]),
            note
        ));
        assert!(sees_internal_note(&staff(Role::Auditor, None, None), note));
    }

    #[test]
    fn agency_work_needs_a_clerk_or_the_scope() {
        let inbox = ClientScope::InboxWrite;
        assert_eq!(
            agency_worker(&staff(Role::Clerk, None, Some(7)), inbox).ok(),
            Some(7)
        );
        assert_eq!(
            agency_worker(&client(Some(7), None, &[inbox]), inbox).ok(),
            Some(7)
        );
        assert!(agency_worker(&client(Some(7), None, &[ClientScope::InboxRead]), inbox).is_err());
        assert!(agency_worker(&staff(Role::Operator, Some(3), None), inbox).is_err());
        assert!(agency_worker(&staff(Role::Admin, None, None), inbox).is_err());
        assert!(require_overseer(&staff(Role::Auditor, None, None)).is_ok());
        assert!(require_overseer(&staff(Role::Clerk, None, Some(7))).is_err());
        assert!(!may_add_note(&staff(Role::Auditor, None, None)));
        assert!(!may_add_note(&client(Some(7), None, &[inbox])));
    }

    #[test]
    fn an_agencys_templates_are_its_own_and_the_admins() {
        let clerk = staff(Role::Clerk, None, Some(7));
        assert_eq!(answer_templates_readable(&clerk).ok(), Some(Some(7)));
        assert_eq!(
            answer_templates_readable(&staff(Role::Admin, None, None)).ok(),
            Some(None)
        );
        let reader = client(Some(7), None, &[ClientScope::InboxRead]);
        assert_eq!(answer_templates_readable(&reader).ok(), Some(Some(7)));
        assert!(answer_templates_readable(&staff(Role::Operator, Some(3), None)).is_err());
        assert!(may_manage_answer_templates(&clerk, 7));
        assert!(!may_manage_answer_templates(&clerk, 8));
        assert!(!may_manage_answer_templates(&reader, 7));
        assert!(may_manage_answer_templates(
            &staff(Role::Admin, None, None),
            8
        ));
    }

    #[test]
    fn only_the_registering_office_or_an_admin_changes_an_applicants_opt_out() {
        assert!(may_change_opt_out(&staff(Role::Operator, Some(3), None), 3));
        assert!(may_change_opt_out(&staff(Role::Admin, None, None), 3));
        assert!(!may_change_opt_out(
            &staff(Role::Operator, Some(4), None),
            3
        ));
        assert!(!may_change_opt_out(&staff(Role::Clerk, None, Some(7)), 3));
        assert!(!may_change_opt_out(&staff(Role::Auditor, None, None), 3));
    }
}
