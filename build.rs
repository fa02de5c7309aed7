//! Embeds the built web app in the `sandlab` binary, for `sandlab serve`
//! and `sandlab build`.
//!
//! The app is what `trunk build --release` writes to `dist/`;
//! `scripts/build-app` copies it to `target/app` (or wherever `SANDLAB_APP`
//! points) before building the CLI. Without it the binary still builds,
//! and `serve` and `build` say how to get a binary with the app.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=SANDLAB_APP");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it")).join("app_files.rs");
    // The app's own wasm build has nothing to embed.
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        std::fs::write(&out, "pub static FILES: &[(&str, &[u8])] = &[];\n")
            .expect("OUT_DIR is writable");
        return;
    }
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let app = env::var("SANDLAB_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join("target/app"));
    println!("cargo:rerun-if-changed={}", app.display());
    let mut files = Vec::new();
    if app.is_dir() {
        walk(&app, &app, &mut files);
    }
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &files {
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    std::fs::write(&out, code).expect("OUT_DIR is writable");
}

/// Every file under `dir` but the courses (each site has its own), as
/// (path relative to `root`, absolute path).
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        if rel != "courses.json" {
            out.push((rel, path));
        }
    }
}
