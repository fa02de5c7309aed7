//! The browser app's entry point; trunk builds it for wasm32.

#[cfg(target_arch = "wasm32")]
fn main() {
    sandlab::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("sandlab-web is the browser app: build and serve it with ./scripts/serve");
    std::process::exit(2);
}
