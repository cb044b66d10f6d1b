//! Attachment downloads, authorised through the letter they belong to.

use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{get, web, HttpResponse};
use futures_util::TryStreamExt;

use crate::auth::{policy, Principal};
use crate::db::confidential::ReadOf;
use crate::db::letters as db;
use crate::error::ApiError;
use crate::state::AppState;

/// Download an attachment (the caller must be allowed to read its letter).
///
/// A confidential letter's files are for its registering office, its
/// holding agency and admins; each download is recorded in the audit trail.
#[utoipa::path(
    tag = "letters",
    params(("id" = i32, Path, description = "Attachment id")),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The bytes, with their recognised type and `Content-Disposition: attachment`", content(
            (Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"),
        )),
        (status = 403, description = "A confidential letter's file, and the caller is not of its office, its holding agency or an admin (`letter.confidential`)", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attachment, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}")]
pub async fn download(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let scope = principal.letters_scope()?;
    let id = id.into_inner();
    let actor = principal.actor();
    let (row, confidential) = state
        .db
        .run(move |conn| {
            let row = db::attachment_by_id(conn, id)?;
            let letter = db::letter_in_scope(conn, row.letter_id, scope)?;
            policy::require_text_reader(&principal, &letter)?;
            Ok((row, letter.is_confidential()))
        })
        .await?;
    if confidential {
        super::record_confidential_read(&state, row.letter_id, actor, ReadOf::File(id)).await?;
    }
    file_response(&state, row).await
}

/// The stored bytes of `row`, streamed, with their recognised type, the
/// original file name (also in UTF-8) and `nosniff`.
pub(crate) async fn file_response(
    state: &AppState,
    row: db::AttachmentRow,
) -> Result<HttpResponse, ApiError> {
    let stream = state.storage.get(&row.storage_key).await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(row.file_name.chars().filter(char::is_ascii).collect()),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: row.file_name.clone().into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(row.content_type)
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Personal documents, often opened on a shared counter computer.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Content-SHA256", row.sha256))
        .no_chunking(u64::try_from(row.size_bytes).unwrap_or(0))
        .streaming(stream.map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))))
}
