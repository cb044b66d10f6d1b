//! Release build of the SPA into `web/dist`: cargo (wasm32, size profile) →
//! wasm-bindgen → wasm-opt (npm binaryen, not Debian's, whose output crashes
//! in the browser) → a content-hashed `pkg-<hash>/` directory so the server
//! can mark it immutable, plus `index.html`, CSS and the bundled Persian font.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::{cmd, tools};

const FONTS: &[&str] = &["Vazirmatn-Regular.woff2", "Vazirmatn-Bold.woff2"];

pub fn build(root: &Path) -> Result<PathBuf> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen(root)?;
    let web = root.join("web");
    tools::npm_ci(&web)?;

    cmd(
        "cargo",
        &[
            "build",
            "-p",
            "chapar-web",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ],
    )
    .run()?;
    let raw = root.join("target/wasm32-unknown-unknown/wasm-release/chapar-web.wasm");
    let bindgen_out = root.join("target/web-bindgen");
    let _ = std::fs::remove_dir_all(&bindgen_out);
    cmd(
        "wasm-bindgen",
        &[
            &raw.to_string_lossy(),
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "chapar-web",
            "--out-dir",
            &bindgen_out.to_string_lossy(),
        ],
    )
    .run()?;
    let wasm = bindgen_out.join("chapar-web_bg.wasm");
    let wasm_opt = web.join("node_modules/.bin/wasm-opt");
    cmd(
        &wasm_opt,
        &[
            "-Oz",
            "--strip-debug",
            "--strip-producers",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
            &wasm.to_string_lossy(),
            "-o",
            &wasm.to_string_lossy(),
        ],
    )
    .run()?;

    let js_bytes = std::fs::read(bindgen_out.join("chapar-web.js"))?;
    let wasm_bytes = std::fs::read(&wasm)?;
    let hash = fnv1a(&[&js_bytes, &wasm_bytes]);
    let pkg = format!("pkg-{hash:016x}");

    let dist = web.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(dist.join(&pkg))?;
    std::fs::create_dir_all(dist.join("assets/fonts"))?;
    std::fs::write(dist.join(&pkg).join("chapar-web.js"), &js_bytes)?;
    std::fs::write(dist.join(&pkg).join("chapar-web_bg.wasm"), &wasm_bytes)?;
    std::fs::copy(web.join("style.css"), dist.join("assets/style.css"))?;
    for font in FONTS {
        let from = web.join("node_modules/vazirmatn/fonts/webfonts").join(font);
        std::fs::copy(&from, dist.join("assets/fonts").join(font))
            .with_context(|| format!("copy {}", from.display()))?;
    }
    for (template, target) in [
        ("index.html", dist.join("index.html")),
        ("boot.js", dist.join(&pkg).join("boot.js")),
    ] {
        let text = std::fs::read_to_string(web.join(template))?.replace("__PKG__", &pkg);
        std::fs::write(target, text)?;
    }

    let gz = cmd(
        "sh",
        &["-c", &format!("gzip -9 -c '{}' | wc -c", wasm.display())],
    )
    .output()
    .unwrap_or_default();
    println!(
        "SPA built into {}: wasm {} KiB, gzipped {} KiB",
        dist.display(),
        wasm_bytes.len() / 1024,
        gz.trim().parse::<usize>().unwrap_or(0) / 1024
    );
    Ok(dist)
}

/// FNV-1a over the build outputs: stable across Rust versions, enough for cache busting.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter() {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
