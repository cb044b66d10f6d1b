//! The committed `openapi.yaml` is the integrators' contract: it must equal
//! what the code generates. `UPDATE_OPENAPI=1 cargo test --test suite openapi`
//! rewrites it.

use std::path::Path;

#[test]
fn committed_openapi_yaml_matches_the_code() {
    let generated = chapar::openapi::spec_yaml().expect("spec renders as YAML");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    if std::env::var("UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).expect("write openapi.yaml");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is out of date: run `UPDATE_OPENAPI=1 cargo test -p chapar-api --test suite openapi` (or `cargo xtask openapi`) and commit it"
    );
}
