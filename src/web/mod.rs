//! The browser app: a Yew front end over the same core the CLI uses.
//!
//! The pure parts (`help`, `markdown`, `outbox`, `progress`, `views`,
//! `workspace`) compile natively too and are tested there; the parts that
//! touch the browser exist only on wasm32 and are exercised by the
//! end-to-end test in a real Chromium (`web/e2e`):
//! - `app`: the root (context, saving, routes); `pages`: one module per
//!   page, the lab workspace with its hooks among them; `components`: what
//!   several pages or the root show;
//! - `browser`: small browser calls (title, theme, downloads, clipboard);
//! - `editor` (CodeMirror), `storage` (localStorage), `lrs` (sending to a
//!   Learning Record Store);
//! - `runner` (runs and grading without freezing the page), `worker` (the
//!   grading worker's side) and `browser_engine` (the browser's own
//!   WebAssembly engine as a sandbox engine).

pub mod help;
pub mod lms;
pub mod markdown;
pub mod outbox;
pub mod progress;
pub mod views;
pub mod workspace;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(all(target_arch = "wasm32", feature = "bench"))]
mod bench;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod browser_engine;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod lrs;
#[cfg(target_arch = "wasm32")]
mod offline;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod runner;
#[cfg(target_arch = "wasm32")]
mod runtime;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
pub mod worker;

#[cfg(target_arch = "wasm32")]
pub use app::start;

#[cfg(test)]
mod tests;
