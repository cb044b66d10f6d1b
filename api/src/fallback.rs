//! What answers a request no route took: 405 with `Allow` when the path is
//! one of the API's (with another method), else the SPA's files (or 404).
//! The API's paths and methods are read from its own OpenAPI document, so
//! the answer cannot drift from the routes.

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;
use crate::spa::{self, SpaFiles};

/// Every documented path template and the methods it answers.
pub struct KnownPaths(Vec<(Vec<String>, String)>);

impl KnownPaths {
    pub fn from_spec(api: &OpenApi) -> KnownPaths {
        let paths = api
            .paths
            .paths
            .iter()
            .map(|(template, item)| (segments(template), crate::openapi::methods(item).join(", ")))
            .collect();
        KnownPaths(paths)
    }

    /// The `Allow` value of a path the API has (by template), if it has it.
    pub fn allow(&self, path: &str) -> Option<&str> {
        let asked = segments(path);
        self.0
            .iter()
            .find(|(template, _)| {
                template.len() == asked.len()
                    && template
                        .iter()
                        .zip(&asked)
                        .all(|(t, a)| (t.starts_with('{') && !a.is_empty()) || t == a)
            })
            .map(|(_, allow)| allow.as_str())
    }
}

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// The default service.
pub async fn fallback(
    req: HttpRequest,
    known: web::Data<KnownPaths>,
    spa_files: web::Data<SpaFiles>,
) -> Result<HttpResponse, ApiError> {
    if let Some(allow) = known.allow(req.path()) {
        return Err(ApiError::MethodNotAllowed {
            allow: allow.to_owned(),
        });
    }
    spa::serve(req, spa_files).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_paths_answer_their_methods() {
        let known = KnownPaths::from_spec(&crate::openapi::spec());
        assert_eq!(known.allow("/api/v1/letters"), Some("GET, POST"));
        assert!(known
            .allow("/api/v1/letters/42")
            .is_some_and(|a| a.contains("GET")));
        assert_eq!(known.allow("/api/v1/nothing-here"), None);
        assert_eq!(known.allow("/letters/new"), None);
    }
}
