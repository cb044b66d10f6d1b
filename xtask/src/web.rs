//! Release build of the SPA into `web/dist`: cargo (wasm32, size profile) →
//! wasm-bindgen → wasm-opt (npm binaryen, not Debian's, whose output crashes
//! in the browser) → a content-hashed `pkg-<hash>/` directory so the server
//! can mark it immutable, plus `index.html`, CSS and the bundled Persian font.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::{cmd, tools};

/// Vazirmatn without its Latin glyphs (the package's "Non-Latin" cut): 22 KB
/// a weight instead of 51. `style.css` gives it the Arabic script's
/// `unicode-range`, so Latin text (codes a user typed, the English locale)
/// takes the system font and a page without Persian loads no font at all.
const FONTS_DIR: &str = "node_modules/vazirmatn/misc/Non-Latin/fonts/webfonts";
const FONTS: &[&str] = &["Vazirmatn-NL-Regular.woff2", "Vazirmatn-NL-Bold.woff2"];

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
        let from = web.join(FONTS_DIR).join(font);
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

    let mut report = Vec::new();
    for file in [
        dist.join(&pkg).join("chapar-web_bg.wasm"),
        dist.join(&pkg).join("chapar-web.js"),
        dist.join(&pkg).join("boot.js"),
        dist.join("assets/style.css"),
        dist.join("index.html"),
    ] {
        report.push(precompress(&file)?);
    }
    println!("SPA built into {}:", dist.display());
    for (name, raw, gzip, brotli) in report {
        println!("  {name:<22} {raw:>9} B   gzip {gzip:>8} B   brotli {brotli:>8} B");
    }
    Ok(dist)
}

/// Writes `file.gz` (gzip -9) and `file.br` (brotli, quality 11) beside
/// `file`, so the server sends the smallest its client accepts without
/// compressing on every request. (Fonts are WOFF2, compressed already.)
fn precompress(file: &Path) -> Result<(String, usize, usize, usize)> {
    use std::io::Write;
    let bytes = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    let gz = gz.finish()?;
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 64 * 1024, 11, 22);
        writer.write_all(&bytes)?;
    }
    let with = |ext: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(ext);
        PathBuf::from(name)
    };
    std::fs::write(with(".gz"), &gz)?;
    std::fs::write(with(".br"), &br)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, bytes.len(), gz.len(), br.len()))
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
