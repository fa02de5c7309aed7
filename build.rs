//! Points the web app at the lab bundle it embeds.
//!
//! The wasm32 build includes the bundle that `sandlab bundle` writes (the
//! trunk pre-build hook runs it; see scripts/prebuild). Without one, an empty
//! bundle is used so the crate still builds (for clippy, say) and the app
//! says it has no courses.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=SANDLAB_BUNDLE");
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32") {
        return;
    }
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let bundle = env::var("SANDLAB_BUNDLE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join("target/sandlab-bundle.json"));
    println!("cargo:rerun-if-changed={}", bundle.display());
    let path = if bundle.is_file() {
        bundle
    } else {
        let out =
            PathBuf::from(env::var("OUT_DIR").expect("cargo sets it")).join("empty-bundle.json");
        std::fs::write(&out, r#"{"format":1,"files":{},"expected":{}}"#)
            .expect("OUT_DIR is writable");
        println!(
            "cargo:warning=no lab bundle at {}: the app will have no courses (scripts/serve builds one)",
            bundle.display()
        );
        out
    };
    println!("cargo:rustc-env=SANDLAB_BUNDLE_PATH={}", path.display());
}
