//! The OpenAPI document. Paths come from the `#[utoipa::path]` handlers that
//! `routes::configure` registers; this module adds what is global.

use utoipa::openapi::OpenApi;
use utoipa::OpenApi as _;
use utoipa_actix_web::AppExt;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Chapar API",
        description = "Government correspondence through the service counter offices: \
            counter offices register letters for walk-in applicants, agencies receive, refer and \
            answer them, applicants follow them with national code + tracking code.\n\n\
            Every error is `application/problem+json` (RFC 9457); validation errors list each bad \
            field in `errors[]` by its JSON path.",
        license(name = "MIT"),
    ),
    tags(
        (name = "ops", description = "Health, readiness and metrics"),
    ),
    components(schemas(shared::Problem, shared::FieldError))
)]
struct ApiDoc;

/// The global part of the document, before the handlers add their paths.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Final touches once all paths are collected.
pub fn finish(api: OpenApi) -> OpenApi {
    api
}

/// The complete document, built without any server state.
pub fn spec() -> OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(crate::routes::configure)
        .split_for_parts();
    finish(api)
}

/// The document as YAML, exactly as committed in `openapi.yaml`.
pub fn spec_yaml() -> anyhow::Result<String> {
    Ok(spec().to_yaml()?)
}
