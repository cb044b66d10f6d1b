//! Serves the built SPA: static files with cache headers, and `index.html`
//! for client-side routes (history-API fallback). Paths under `/api/` that
//! match no route answer a problem+json 404 instead.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Where the SPA build lives.
pub struct SpaFiles {
    root: Option<PathBuf>,
}

impl SpaFiles {
    pub fn new(root: Option<PathBuf>) -> Self {
        SpaFiles { root }
    }
}

/// Maps a URL path to a file below `root`, refusing anything that could escape it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for segment in url_path.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains(['\\', '%', '\0']) {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

/// Hashed build outputs never change under their name; everything else is revalidated.
fn cache_control(url_path: &str) -> &'static str {
    if url_path.starts_with("/pkg-") {
        "public, max-age=31536000, immutable"
    } else if url_path.starts_with("/assets/") {
        "public, max-age=86400"
    } else {
        "no-cache"
    }
}

/// What the SPA may load: only its own files (scripts, the WASM module, styles,
/// fonts), and only this server to talk to. No inline scripts (the bootstrap
/// is a file); inline *style attributes* are allowed because the view sets
/// bar widths with them. Swagger UI under `/api/docs` is not covered.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Default service: a static file, or `index.html` for a client route.
pub async fn serve(req: HttpRequest, spa: web::Data<SpaFiles>) -> Result<HttpResponse, ApiError> {
    let url_path = req.path().to_owned();
    let is_read = req.method() == Method::GET || req.method() == Method::HEAD;
    let root = match &spa.root {
        Some(root) if is_read && !url_path.starts_with("/api/") => root.clone(),
        _ => return Err(ApiError::NotFound),
    };
    if url_path == "/" {
        return home(&req, root).await;
    }
    let requested = resolve(&root, &url_path).ok_or(ApiError::NotFound)?;
    let looks_like_file = url_path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    let immutable = cache_control(&url_path);
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // File-system work belongs on the blocking pool, not on an async worker.
    let (named, cache) = web::block(move || {
        if requested.is_file() {
            open_encoded(&requested, &accept).map(|f| (f, immutable))
        } else if looks_like_file {
            None
        } else {
            open_encoded(&root.join("index.html"), &accept).map(|f| (f, "no-cache"))
        }
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    let mut res = named.into_response(&req);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    Ok(res)
}

/// The home page: `index.html` with the page a visitor sees painted in it
/// ([`crate::pages::home_preview`]), so a slow line shows the tracking form
/// at once rather than a blank page until the WASM arrives; the SPA removes
/// it when it starts. In the visitor's language (cookie or `?lang=`).
async fn home(req: &HttpRequest, root: PathBuf) -> Result<HttpResponse, ApiError> {
    let index = web::block(move || std::fs::read_to_string(root.join("index.html")))
        .await
        .map_err(|e| ApiError::Internal(format!("reading index.html: {e}")))?
        .map_err(|_| ApiError::NotFound)?;
    let ((lang, switched), preview) = crate::pages::home_preview(req);
    let html = index
        .replacen(
            "<html lang=\"fa\" dir=\"rtl\">",
            &format!("<html lang=\"{}\" dir=\"{}\">", lang.code(), lang.dir()),
            1,
        )
        .replacen("<body>", &format!("<body>{}", preview.into_string()), 1);
    let mut res = HttpResponse::Ok();
    res.content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Encoding, Cookie"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ));
    if switched {
        res.insert_header((header::SET_COOKIE, shared::track_page::lang_cookie(lang)));
    }
    Ok(res.body(html))
}

/// The file as the build precompressed it (`.br`, then `.gz`, beside it)
/// when the client accepts that encoding, else as it is. WOFF2 fonts are
/// compressed already: sent as they are, never gzipped again on the fly.
fn open_encoded(path: &Path, accept_encoding: &str) -> Option<NamedFile> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    if extension == "woff2" {
        return NamedFile::open(path)
            .ok()
            .map(|f| f.set_content_encoding(ContentEncoding::Identity));
    }
    for (coding, suffix, encoding) in [
        ("br", "br", ContentEncoding::Brotli),
        ("gzip", "gz", ContentEncoding::Gzip),
    ] {
        if !accepts(accept_encoding, coding) {
            continue;
        }
        let mut variant = path.as_os_str().to_owned();
        variant.push(".");
        variant.push(suffix);
        if let Ok(file) = NamedFile::open(PathBuf::from(variant)) {
            return Some(
                // Typed by the original's name; no "attachment" disposition from `.br`.
                file.set_content_type(actix_files::file_extension_to_mime(extension))
                    .disable_content_disposition()
                    .set_content_encoding(encoding),
            );
        }
    }
    NamedFile::open(path).ok()
}

/// Whether an `Accept-Encoding` value accepts `coding` (listed, or `*`, and
/// not with `q=0`).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|part| {
        let mut pieces = part.split(';').map(str::trim);
        let name = pieces.next().unwrap_or_default();
        let refused = pieces.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_escape_the_root() {
        let root = Path::new("/srv/spa");
        assert_eq!(
            resolve(root, "/a/b.js"),
            Some(PathBuf::from("/srv/spa/a/b.js"))
        );
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/a/%2e%2e/x"), None);
    }

    #[test]
    fn reads_accept_encoding_with_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(accepts("*", "gzip"));
        assert!(!accepts("", "gzip"));
    }

    #[test]
    fn hashed_bundles_are_immutable_and_index_is_revalidated() {
        assert!(cache_control("/pkg-abc123/web_bg.wasm").contains("immutable"));
        assert_eq!(cache_control("/index.html"), "no-cache");
    }
}
