//! Release build of the SPA into `web/dist`: cargo (wasm32, size profile) →
//! split at the pages loaded on first visit (`#[lazy_route]`: a main module
//! and a chunk per page, with `__wasm_split.js` that loads them) →
//! wasm-bindgen on the main module → wasm-opt (npm binaryen, not Debian's,
//! whose output crashes in the browser) → a content-hashed `pkg-<hash>/`
//! directory so the server can mark it immutable, plus `index.html`, CSS and
//! the bundled Persian font.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::{cmd, tools};

/// Vazirmatn without its Latin glyphs (the package's "Non-Latin" cut),
/// cut down further to [`PERSIAN_CHARACTERS`]: 12 KB a weight instead of 22
/// (51 with Latin). `style.css` declares the same characters as its
/// `unicode-range`, so Latin text (codes a user typed, the English locale)
/// takes the system font and a page without Persian loads no font at all.
const FONTS_DIR: &str = "node_modules/vazirmatn/misc/Non-Latin/fonts/webfonts";
const FONTS: &[&str] = &["Vazirmatn-NL-Regular.woff2", "Vazirmatn-NL-Bold.woff2"];

/// What the served font draws: Persian's letters, digits and punctuation,
/// the Arabic letters and digits Iranians also type (ي, ك, ٣), the
/// diacritics, and the joiners and direction marks. Other Arabic-script
/// letters (Urdu, Kurdish) take the system font. The positional forms of
/// each letter stay: the subsetter keeps every glyph the font's shaping
/// rules reach. `style.css`'s `__PERSIAN_CHARACTERS__` becomes this list.
const PERSIAN_CHARACTERS: &str = "U+060C, U+061B, U+061F, U+0621-063A, U+0640-0655, \
     U+0660-066C, U+0670, U+067E, U+0686, U+0698, U+06A9, U+06AF, U+06C0, U+06CC, \
     U+06F0-06F9, U+200C-200F";

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
    let (main, chunks) = split(&raw, &bindgen_out)?;
    cmd(
        "wasm-bindgen",
        &[
            &main.to_string_lossy(),
            "--target",
            "web",
            "--no-typescript",
            // The chunks share the main module's function table.
            "--keep-lld-exports",
            "--out-name",
            "chapar-web",
            "--out-dir",
            &bindgen_out.to_string_lossy(),
        ],
    )
    .run()?;
    let wasm = bindgen_out.join("chapar-web_bg.wasm");
    wasm_opt(&web, &wasm)?;
    wasm_opt_chunks(&web, &chunks)?;

    // Everything the pkg directory serves: the main module, its JS, the
    // chunks and their loader.
    let mut files = vec![
        bindgen_out.join("chapar-web.js"),
        wasm,
        bindgen_out.join(SPLIT_LOADER),
    ];
    files.extend(chunks);
    let contents = files
        .iter()
        .map(|f| std::fs::read(f).with_context(|| format!("read {}", f.display())))
        .collect::<Result<Vec<_>>>()?;
    let hash = fnv1a(&contents.iter().map(Vec::as_slice).collect::<Vec<_>>());
    let pkg = format!("pkg-{hash:016x}");

    let dist = web.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(dist.join(&pkg))?;
    std::fs::create_dir_all(dist.join("assets/fonts"))?;
    let mut served = Vec::new();
    for (file, bytes) in files.iter().zip(&contents) {
        let target = dist
            .join(&pkg)
            .join(file.file_name().context("a file name")?);
        std::fs::write(&target, bytes)?;
        served.push(target);
    }
    std::fs::copy(web.join("favicon.svg"), dist.join("assets/favicon.svg"))?;
    let style = std::fs::read_to_string(web.join("style.css"))?
        .replace("__PERSIAN_CHARACTERS__", PERSIAN_CHARACTERS);
    std::fs::write(dist.join("assets/style.css"), style)?;
    subset_fonts(root, &web, &dist.join("assets/fonts"))?;
    for (template, target) in [
        ("index.html", dist.join("index.html")),
        ("boot.js", dist.join(&pkg).join("boot.js")),
    ] {
        let text = std::fs::read_to_string(web.join(template))?.replace("__PKG__", &pkg);
        std::fs::write(target, text)?;
    }

    let mut report = Vec::new();
    served.extend([
        dist.join(&pkg).join("boot.js"),
        dist.join("assets/style.css"),
        dist.join("assets/favicon.svg"),
        dist.join("index.html"),
    ]);
    for file in served {
        report.push(precompress(&file)?);
    }
    println!("SPA built into {}:", dist.display());
    for (name, raw, gzip, brotli) in report {
        println!("  {name:<22} {raw:>9} B   gzip {gzip:>8} B   brotli {brotli:>8} B");
    }
    Ok(dist)
}

/// Writes [`FONTS`], cut to [`PERSIAN_CHARACTERS`], into `into` (fontTools'
/// `pyftsubset`, the reference subsetter, in a virtualenv of its own).
fn subset_fonts(root: &Path, web: &Path, into: &Path) -> Result<()> {
    let pyftsubset = tools::python_tool(root, "fonttools", "xtask/fonttools.txt", "pyftsubset")?;
    let characters = format!("--unicodes={}", PERSIAN_CHARACTERS.replace(' ', ""));
    for font in FONTS {
        let output = format!("--output-file={}", into.join(font).display());
        let from = web.join(FONTS_DIR).join(font);
        cmd(
            &pyftsubset,
            &[
                &from.to_string_lossy(),
                &characters,
                "--flavor=woff2",
                &output,
            ],
        )
        .run()?;
    }
    Ok(())
}

/// The module `__wasm_split.js` the split main module imports its chunks'
/// loaders from (beside `chapar-web.js` in the pkg directory).
const SPLIT_LOADER: &str = "__wasm_split.js";

/// Splits the cargo output `raw` into `dir`: the main module (answered
/// first; wasm-bindgen makes it `chapar-web_bg.wasm` and
/// `chapar-web.js`), a chunk per page loaded on first visit (with the
/// code only they share in chunks of its own), and [`SPLIT_LOADER`].
fn split(raw: &Path, dir: &Path) -> Result<(PathBuf, Vec<PathBuf>)> {
    let input = std::fs::read(raw).with_context(|| format!("read {}", raw.display()))?;
    let main = dir.join("main.wasm");
    let link_name = format!("./{SPLIT_LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = dir;
    options.main_out_path = &main;
    options.link_name = &link_name;
    options.main_module = "./chapar-web.js";
    let split = wasm_split_cli_support::transform(options)
        .map_err(|e| anyhow::anyhow!("splitting the SPA's WASM: {e:#}"))?;
    let mut chunks = split.split_modules;
    chunks.sort();
    Ok((main, chunks))
}

/// Shrinks a module in place (size first, `-Oz`).
fn wasm_opt(web: &Path, wasm: &Path) -> Result<()> {
    let wasm = wasm.to_string_lossy();
    let mut args = vec!["-Oz", "--strip-debug", "--strip-producers"];
    args.extend(WASM_FEATURES);
    args.extend([&*wasm, "-o", &*wasm]);
    cmd(web.join("node_modules/.bin/wasm-opt"), &args).run()
}

/// The WebAssembly features the SPA's modules use (rustc's wasm32 defaults),
/// as both [`wasm_opt`] and `web/wasm-opt-all.mjs` take them.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Shrinks the split chunks in place, all in one Node process
/// (`web/wasm-opt-all.mjs`, binaryen's JS API with `wasm-opt`'s `-Oz` and
/// features): one `wasm-opt` each cost ~2 s of start-up for a few
/// milliseconds of work, 3.5 of the build's minutes for ~100 chunks,
/// against 5 s. Its output is 0.2 % larger (binaryen's JS writer does
/// not optimize the stack form as the command does), so the main module,
/// the one every visitor loads, still goes through [`wasm_opt`].
fn wasm_opt_chunks(web: &Path, chunks: &[PathBuf]) -> Result<()> {
    if chunks.is_empty() {
        return Ok(());
    }
    let mut args = vec!["wasm-opt-all.mjs".to_owned()];
    args.extend(WASM_FEATURES.map(str::to_owned));
    args.extend(chunks.iter().map(|c| c.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cmd("node", &args).dir(web).run()
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
