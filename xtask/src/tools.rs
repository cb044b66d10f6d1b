//! Installs what the builds and suites need when it is missing: the wasm32
//! target, wasm-bindgen-cli at the exact version of `Cargo.lock`, npm
//! packages, Debian's Chromium and PostgreSQL, Python tools in virtualenvs.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::cmd;

pub fn ensure_wasm_target() -> Result<()> {
    let installed = cmd("rustup", &["target", "list", "--installed"]).output()?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]).run()
}

/// The version of `package` recorded in `Cargo.lock`.
pub fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("read Cargo.lock")?;
    let needle = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    bail!("{package} is not in Cargo.lock")
}

/// wasm-bindgen-cli must match the `wasm-bindgen` crate exactly.
pub fn ensure_wasm_bindgen(root: &Path) -> Result<()> {
    let wanted = locked_version(root, "wasm-bindgen")?;
    let have = cmd("wasm-bindgen", &["--version"])
        .output()
        .unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(());
    }
    // `--locked` fails for this crate (its lock file names a yanked version).
    cmd(
        "cargo",
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ],
    )
    .run()
}

/// `npm ci` unless `node_modules` already matches the lock file.
pub fn npm_ci(dir: &Path) -> Result<()> {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => match (l.modified(), i.modified()) {
            (Ok(l), Ok(i)) => i >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    cmd("npm", &["ci", "--no-audit", "--no-fund"])
        .dir(dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .run()
}

pub fn apt_install(packages: &[&str]) -> Result<()> {
    cmd("apt-get", &["update", "-q"]).run()?;
    let mut args = vec!["install", "-y", "-q"];
    args.extend_from_slice(packages);
    cmd("apt-get", &args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
}

pub fn ensure_chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    apt_install(&["chromium"])
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A Python tool from PyPI in its own virtualenv under `target/tools/<name>`,
/// installed (or refreshed, when the pinned list changed) from
/// `requirements` (exact versions); answers the path of its `bin`.
pub fn python_tool(root: &Path, name: &str, requirements: &str, bin: &str) -> Result<PathBuf> {
    let venv = root.join("target/tools").join(name);
    let list = root.join(requirements);
    let wanted = std::fs::read_to_string(&list)?;
    let stamp = venv.join("installed.txt");
    let program = venv.join("bin").join(bin);
    if program.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        return Ok(program);
    }
    let _ = std::fs::remove_dir_all(&venv);
    cmd("python3", &["-m", "venv", &venv.to_string_lossy()]).run()?;
    cmd(
        venv.join("bin/pip"),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            &list.to_string_lossy(),
        ],
    )
    .run()?;
    std::fs::write(&stamp, wanted)?;
    Ok(program)
}
