//! `ApiError`: the API's one error type. Every failure a client can see is
//! answered as `application/problem+json` (RFC 9457), including the errors of
//! actix's own extractors and unknown routes.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use shared::{ErrorCode, FieldError, Problem};

pub const PROBLEM_JSON: &str = "application/problem+json";
const PROBLEM_BASE: &str = "https://chapar.ir/problems/";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// One or more fields are invalid (422).
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// The request could not be read: malformed JSON, bad query string (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401, with why (no token, a bad token, a wrong login, an ended session).
    #[error("unauthorized: {1}")]
    Unauthorized(ErrorCode, String),
    /// 403, with why (the role, or a missing scope).
    #[error("forbidden: {1}")]
    Forbidden(ErrorCode, String),
    /// No such resource, or not one the caller may see (the two are answered alike).
    #[error("not found")]
    NotFound,
    /// A known path asked with a method it does not have (405, with `Allow`).
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// 409, with what conflicts.
    #[error("conflict: {1}")]
    Conflict(ErrorCode, String),
    /// The letter's state does not allow the action (409, with what is allowed).
    #[error("{0}")]
    NotAllowed(shared::workflow::NotAllowed),
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The database connection broke under a query (the server restarted or
    /// failed over): 503 like [`ApiError::Unavailable`]; reads are retried
    /// once on a fresh connection before it reaches a client.
    #[error("database connection lost: {0}")]
    ConnectionLost(String),
    /// Anything unexpected: logged in full, answered without internals.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// One bad field.
    pub fn validation(field: &str, code: ErrorCode) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code)])
    }

    /// `field` is not one of the values it takes (`allowed` lists them).
    pub fn invalid_choice(field: &str, allowed: &str) -> Self {
        let message = format!("one of {allowed}");
        ApiError::Validation(vec![FieldError::with_message(
            field,
            ErrorCode::InvalidChoice,
            message,
        )])
    }

    /// The caller's role (or binding) may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ApiError::Forbidden(ErrorCode::Forbidden, detail.into())
    }

    /// The stable code clients show their own words for.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Validation(_) => ErrorCode::Validation,
            ApiError::BadRequest(_) => ErrorCode::MalformedRequest,
            ApiError::Unauthorized(code, _)
            | ApiError::Forbidden(code, _)
            | ApiError::Conflict(code, _) => *code,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            ApiError::NotAllowed(_) => ErrorCode::LetterWrongState,
            ApiError::PreconditionFailed => ErrorCode::PreconditionFailed,
            ApiError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            ApiError::TooManyRequests { .. } => ErrorCode::RateLimited,
            ApiError::Unavailable(_) | ApiError::ConnectionLost(_) => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A stable problem type slug for this error.
    fn slug(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation",
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthorized(..) => "unauthorized",
            ApiError::Forbidden(..) => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::Conflict(..) => "conflict",
            ApiError::NotAllowed(_) => "action-not-allowed",
            ApiError::PreconditionFailed => "precondition-failed",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Unavailable(_) | ApiError::ConnectionLost(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The problem document sent to the client.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (title, detail, errors) = match self {
            ApiError::Validation(errors) => (
                "Invalid input",
                Some("One or more fields are invalid; see `errors`.".to_owned()),
                errors.clone(),
            ),
            ApiError::BadRequest(d) => ("Bad request", Some(d.clone()), vec![]),
            ApiError::Unauthorized(_, d) => ("Unauthorized", Some(d.clone()), vec![]),
            ApiError::Forbidden(_, d) => ("Forbidden", Some(d.clone()), vec![]),
            ApiError::NotFound => ("Not found", Some("No such resource.".to_owned()), vec![]),
            ApiError::MethodNotAllowed { allow } => (
                "Method not allowed",
                Some(format!("This resource answers {allow}.")),
                vec![],
            ),
            ApiError::Conflict(_, d) => ("Conflict", Some(d.clone()), vec![]),
            ApiError::NotAllowed(n) => ("Action not allowed", Some(n.to_string()), vec![]),
            ApiError::PreconditionFailed => (
                "Precondition failed",
                Some("The resource has changed since you read it (If-Match).".to_owned()),
                vec![],
            ),
            ApiError::PayloadTooLarge(d) => ("Payload too large", Some(d.clone()), vec![]),
            ApiError::UnsupportedMediaType(d) => {
                ("Unsupported media type", Some(d.clone()), vec![])
            }
            ApiError::TooManyRequests { retry_after_secs } => (
                "Too many requests",
                Some(format!("Try again in {retry_after_secs} s.")),
                vec![],
            ),
            ApiError::Unavailable(d) => ("Service unavailable", Some(d.clone()), vec![]),
            ApiError::ConnectionLost(_) => (
                "Service unavailable",
                Some(
                    "The database connection was lost; try again (with the same Idempotency-Key)."
                        .to_owned(),
                ),
                vec![],
            ),
            ApiError::Internal(_) => (
                "Internal server error",
                Some("Something went wrong on our side; it has been logged.".to_owned()),
                vec![],
            ),
        };
        let (current_status, allowed_actions) = match self {
            ApiError::NotAllowed(n) => (
                Some(n.state.as_str().to_owned()),
                Some(n.allowed.iter().map(|a| a.as_str().to_owned()).collect()),
            ),
            _ => (None, None),
        };
        Problem {
            kind: format!("{PROBLEM_BASE}{}", self.slug()),
            title: title.to_owned(),
            status: status.as_u16(),
            code: self.code(),
            detail,
            errors,
            current_status,
            allowed_actions,
        }
    }

    /// The problem for a bare status code (unknown route, wrong method, …).
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => ApiError::BadRequest("The request could not be understood.".into()),
            401 => ApiError::Unauthorized(
                ErrorCode::AuthRequired,
                "Authentication is required.".into(),
            ),
            403 => ApiError::forbidden("You may not do this."),
            404 => ApiError::NotFound,
            405 => ApiError::MethodNotAllowed {
                allow: String::new(),
            },
            413 => ApiError::PayloadTooLarge("The request body is too large.".into()),
            415 => ApiError::UnsupportedMediaType("Unsupported content type.".into()),
            s if s < 500 => ApiError::BadRequest(
                status
                    .canonical_reason()
                    .unwrap_or("Bad request")
                    .to_owned(),
            ),
            503 => ApiError::Unavailable("Try again later.".into()),
            _ => ApiError::Internal(format!("status {status}")),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(..) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(..) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(..) | ApiError::NotAllowed(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::ConnectionLost(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        if let ApiError::Internal(cause) = self {
            tracing::error!(%cause, "internal error");
        }
        let mut builder = HttpResponse::build(self.status_code());
        builder.content_type(PROBLEM_JSON);
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            builder.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let ApiError::Unavailable(_) | ApiError::ConnectionLost(_) = self {
            // Overload and outages of a store are short: retrying soon is right.
            builder.insert_header((header::RETRY_AFTER, "1"));
        }
        if let ApiError::Unauthorized(..) = self {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        match self {
            ApiError::MethodNotAllowed { allow } if !allow.is_empty() => {
                builder.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        builder.json(self.problem())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::Conflict(
                ErrorCode::AlreadyExists,
                "A record with this key already exists.".into(),
            ),
            Error::DatabaseError(kind, info) if connection_lost(&kind, info.message()) => {
                ApiError::ConnectionLost(info.message().to_owned())
            }
            other => ApiError::Internal(format!("database: {other}")),
        }
    }
}

/// Whether a database error means the connection (or the server behind it)
/// went away rather than the statement failing: diesel says so when libpq
/// saw the socket close; a server shutting down says so first in words
/// (SQLSTATE 57P01 "terminating connection due to administrator command").
fn connection_lost(kind: &diesel::result::DatabaseErrorKind, message: &str) -> bool {
    const LOST: [&str; 6] = [
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
        "the database system is shutting down",
    ];
    matches!(kind, diesel::result::DatabaseErrorKind::ClosedConnection)
        || LOST.iter().any(|lost| message.contains(lost))
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %err, "database pool");
        ApiError::Unavailable("The database is not reachable.".into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(format!("blocking task: {err}"))
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        ApiError::Validation(vec![error])
    }
}

/// Turns a JSON body error into a problem naming the field where possible.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::PayloadTooLarge(err.to_string())
        }
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("Send the body as `application/json`.".into())
        }
        JsonPayloadError::Deserialize(de) => from_json(de, ""),
        other => ApiError::BadRequest(other.to_string()),
    };
    api.into()
}

/// A body that did not read as the operation's JSON: 422 naming the field
/// when the JSON was well-formed but a value was wrong (serde names a
/// missing or unknown field; otherwise `field`), 400 when it was not JSON.
pub fn from_json(de: &serde_json::Error, field: &str) -> ApiError {
    if de.is_data() {
        let message = de.to_string();
        let (name, code) = match missing_field_name(&message) {
            Some(name) if message.starts_with("missing") => (name, ErrorCode::Required),
            Some(name) => (name, ErrorCode::InvalidValue),
            None => (field.to_owned(), ErrorCode::InvalidValue),
        };
        ApiError::Validation(vec![FieldError::with_message(name, code, message)])
    } else {
        ApiError::BadRequest(format!("The body is not valid JSON: {de}"))
    }
}

fn missing_field_name(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split('`').next().map(str::to_owned)
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("Bad query string: {err}")).into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    let _ = err;
    ApiError::NotFound.into()
}

pub fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    match err {
        UrlencodedError::Overflow { .. } => ApiError::PayloadTooLarge(err.to_string()).into(),
        UrlencodedError::ContentType => {
            ApiError::UnsupportedMediaType("Send a form or JSON body.".into()).into()
        }
        other => ApiError::BadRequest(format!("Bad form body: {other}")).into(),
    }
}

/// Middleware hook: any 4xx/5xx answer without a JSON body of its own
/// (actix's own 404/405, plain-text errors, …) is rewritten as problem+json.
/// OAuth2 errors (`application/json`, RFC 6749) are left as they are, and
/// so are the server's own HTML pages (`crate::pages`), which say what went
/// wrong in their own words.
pub fn problemize<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with(PROBLEM_JSON)
                || v.starts_with("application/json")
                || v.starts_with("text/html")
        });
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    let allow = res.headers().get(header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let mut answer = ApiError::from_status(status).error_response();
    *answer.status_mut() = status;
    if let Some(value) = retry_after {
        answer.headers_mut().insert(header::RETRY_AFTER, value);
    }
    if let Some(value) = allow {
        answer.headers_mut().insert(header::ALLOW, value);
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, answer).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problem_lists_each_field() {
        let err = ApiError::Validation(vec![
            FieldError::new("applicant.national_id", ErrorCode::IdCheckDigit),
            FieldError::new("mobile", ErrorCode::MobileInvalid),
        ]);
        let p = err.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors.len(), 2);
        assert_eq!(p.errors[0].field, "applicant.national_id");
        assert_eq!(p.code, ErrorCode::Validation);
        assert_eq!(p.errors[1].code, ErrorCode::MobileInvalid);
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let p = ApiError::Internal("password=secret in SQL".into()).problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.unwrap_or_default().contains("secret"));
    }

    #[test]
    fn missing_field_is_named() {
        assert_eq!(
            missing_field_name("missing field `subject` at line 1 column 2"),
            Some("subject".into())
        );
    }
}
