//! The statuses every operation can answer besides its own: added to each
//! operation of the document from what it takes (a body, a query, path
//! parameters, a token), so the contract lists them all without each
//! handler repeating them. An operation's own description of a status wins.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

use crate::error::PROBLEM_JSON;

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
        .into()
}

/// Adds to `operation` every status of `statuses` it does not document yet.
fn add(operation: &mut Operation, statuses: &[(&str, &str)]) {
    for (status, description) in statuses {
        operation
            .responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| problem(description));
    }
}

fn has_params(operation: &Operation, place: ParameterIn) -> bool {
    operation
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == place)
}

/// Whether the operation needs a token: public ones declare no security.
fn secured(operation: &Operation) -> bool {
    operation.security.as_ref().is_some_and(|r| !r.is_empty())
}

/// Completes every operation's responses (see the module's doc).
pub fn complete(api: &mut OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            if operation.request_body.is_some() {
                add(
                    operation,
                    &[
                        (
                            "400",
                            "The body could not be read (not JSON, or not the form).",
                        ),
                        ("413", "The body is too large."),
                        (
                            "415",
                            "The body is not of a content type this operation takes.",
                        ),
                        ("422", "A field is invalid; `errors` names each."),
                    ],
                );
            }
            if has_params(operation, ParameterIn::Query) {
                add(
                    operation,
                    &[
                        ("400", "The query string could not be read."),
                        (
                            "422",
                            "A parameter is out of its bounds; `errors` names it.",
                        ),
                    ],
                );
            }
            if has_params(operation, ParameterIn::Path) {
                add(
                    operation,
                    &[
                        ("404", "No such resource, or not one the caller may see."),
                        (
                            "422",
                            "A path parameter is not of its form; `errors` names it.",
                        ),
                    ],
                );
            }
            if secured(operation) {
                add(
                    operation,
                    &[
                        ("401", "No token, or an invalid or expired one (`WWW-Authenticate: Bearer`)."),
                        ("403", "The caller's role or scopes do not allow this (see docs/authorization.md)."),
                    ],
                );
            }
            if !matches!(path.as_str(), "/healthz" | "/metrics") {
                add(
                    operation,
                    &[("503", "The database is unreachable or overloaded; retry after `Retry-After` seconds.")],
                );
            }
        }
    }
}
