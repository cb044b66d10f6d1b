//! The OpenAPI document. Paths come from the `#[utoipa::path]` handlers that
//! `routes::configure` registers; this module adds what is global.

use shared::auth::scopes;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::openapi::OpenApi;
use utoipa::{Modify, OpenApi as _};
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
        (name = "auth", description = "Staff logins, refresh tokens, OAuth2 client credentials, who am I"),
        (name = "letters", description = "Registering letters at the counter, reading them, their timeline, attachments and SMS"),
        (name = "inbox", description = "An agency's inbox: poll (long poll), acknowledge"),
        (name = "workflow", description = "Refer, answer, reject, withdraw, close, internal notes"),
        (name = "sms", description = "The SMS outbox: attempts, retry, queue health, opt-outs"),
        (name = "public", description = "Public tracking with tracking code + national code (no login)"),
        (name = "directory", description = "Agencies and counter offices"),
        (name = "admin", description = "Staff accounts, API clients, audit trail (admins)"),
        (name = "reports", description = "Dashboard figures: volume, answer speed, backlog per agency and office"),
        (name = "ops", description = "Health, readiness and metrics"),
    ),
    modifiers(&SecurityAddon),
    components(schemas(shared::Problem, shared::FieldError))
)]
struct ApiDoc;

/// The two ways to authenticate: a staff access JWT (`bearer`), or an API
/// client's token from the client-credentials grant (`oauth2`, with scopes).
struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Staff access token from `POST /api/v1/auth/login` (15 minutes; renew with \
                         `POST /api/v1/auth/refresh`). The operation's description says which role it needs.",
                    ))
                    .build(),
            ),
        );
        let scopes = Scopes::from_iter([
            (
                scopes::LETTERS_READ,
                "Read letters of the bound counter office or agency",
            ),
            (
                scopes::LETTERS_WRITE,
                "Register letters for the bound counter office",
            ),
            (scopes::INBOX_READ, "Poll the bound agency's inbox"),
            (
                scopes::INBOX_WRITE,
                "Acknowledge, refer, answer and reject at the bound agency",
            ),
            (
                scopes::NOTES_READ,
                "Read the bound agency's own internal notes on its letters",
            ),
        ]);
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new("/api/v1/auth/token", scopes))],
                "API clients of agency systems and integrators: client id and secret from an admin, \
                 exchanged at `POST /api/v1/auth/token`; send the token as `Authorization: Bearer …`.",
            )),
        );
    }
}

/// The global part of the document, before the handlers add their paths.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Final touches once all paths are collected: the statuses every
/// operation can answer besides its own.
pub fn finish(mut api: OpenApi) -> OpenApi {
    crate::openapi_statuses::complete(&mut api);
    api
}

/// The methods a documented path answers, in a fixed order (the `Allow` of
/// a 405, the rows of the authorization matrix).
pub fn methods(item: &utoipa::openapi::PathItem) -> Vec<&'static str> {
    [
        ("GET", item.get.is_some()),
        ("POST", item.post.is_some()),
        ("PUT", item.put.is_some()),
        ("PATCH", item.patch.is_some()),
        ("DELETE", item.delete.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, documented)| documented.then_some(method))
    .collect()
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
