//! JWT signing keys with key ids (`kid`), so keys can be rotated: every key in
//! the ring verifies, the newest signs.
//!
//! Embedded default: keys live in `<data dir>/jwt-keys/<kid>.key` (base64,
//! file mode 0600); one is generated on first start. To rotate, add a newer
//! file (kids sort by name; `chapar` names them by time) and remove the old
//! one after the access-token lifetime. `CHAPAR_JWT_SECRET` (with
//! `CHAPAR_JWT_KID`) supplies the signing key from the environment instead, for
//! several instances that must share it.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::Context;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey};

pub struct SigningKey {
    pub encoding: EncodingKey,
    pub decoding: DecodingKey,
}

impl SigningKey {
    fn from_secret(secret: &[u8]) -> SigningKey {
        SigningKey {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }
}

pub struct Keyring {
    signing_kid: String,
    keys: BTreeMap<String, SigningKey>,
}

const MIN_SECRET_BYTES: usize = 32;

impl Keyring {
    pub fn load(
        data_dir: &Path,
        env_secret: Option<&str>,
        env_kid: &str,
    ) -> anyhow::Result<Keyring> {
        let dir = data_dir.join("jwt-keys");
        std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
        let mut keys = BTreeMap::new();
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            let (Some(kid), Some("key")) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) else {
                continue;
            };
            let secret = STANDARD
                .decode(std::fs::read_to_string(&path)?.trim())
                .with_context(|| format!("{} is not base64", path.display()))?;
            anyhow::ensure!(
                secret.len() >= MIN_SECRET_BYTES,
                "{} is too short",
                path.display()
            );
            keys.insert(kid.to_owned(), SigningKey::from_secret(&secret));
        }
        let signing_kid = match env_secret {
            Some(secret) => {
                anyhow::ensure!(
                    secret.len() >= MIN_SECRET_BYTES,
                    "CHAPAR_JWT_SECRET must be at least {MIN_SECRET_BYTES} characters"
                );
                keys.insert(
                    env_kid.to_owned(),
                    SigningKey::from_secret(secret.as_bytes()),
                );
                env_kid.to_owned()
            }
            None => match keys.keys().next_back() {
                Some(kid) => kid.clone(),
                None => {
                    let kid = generate_key_file(&dir)?;
                    let secret = STANDARD
                        .decode(std::fs::read_to_string(dir.join(format!("{kid}.key")))?.trim())?;
                    keys.insert(kid.clone(), SigningKey::from_secret(&secret));
                    kid
                }
            },
        };
        Ok(Keyring { signing_kid, keys })
    }

    pub fn signing(&self) -> (&str, &SigningKey) {
        // The constructor guarantees the signing kid is in the map.
        (&self.signing_kid, &self.keys[&self.signing_kid])
    }

    pub fn get(&self, kid: &str) -> Option<&SigningKey> {
        self.keys.get(kid)
    }
}

/// Writes a new random key readable only by the owner; returns its kid.
pub fn generate_key_file(dir: &Path) -> anyhow::Result<String> {
    let kid = format!("k{}", chrono::Utc::now().format("%Y%m%d%H%M%S"));
    let path = dir.join(format!("{kid}.key"));
    let secret = super::secrets::random_token(48);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("create {}", path.display()))?;
    // Stored as standard base64 of the raw random bytes.
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&secret)?;
    writeln!(file, "{}", STANDARD.encode(raw))?;
    tracing::info!(kid, "generated a new JWT signing key");
    Ok(kid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn generates_a_private_key_once_and_reuses_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let first = Keyring::load(dir.path(), None, "env").expect("load");
        let kid = first.signing().0.to_owned();
        let file = dir.path().join("jwt-keys").join(format!("{kid}.key"));
        let mode = std::fs::metadata(&file)
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let second = Keyring::load(dir.path(), None, "env").expect("reload");
        assert_eq!(second.signing().0, kid);
    }

    #[test]
    fn an_environment_secret_signs_and_file_keys_still_verify() {
        let dir = tempfile::tempdir().expect("tmp");
        let file_kid = Keyring::load(dir.path(), None, "env")
            .expect("load")
            .signing()
            .0
            .to_owned();
        let ring = Keyring::load(
            dir.path(),
            Some("0123456789abcdef0123456789abcdef"),
            "prod-2026",
        )
        .expect("load");
        assert_eq!(ring.signing().0, "prod-2026");
        assert!(ring.get(&file_kid).is_some());
        assert!(Keyring::load(dir.path(), Some("short"), "x").is_err());
    }
}
