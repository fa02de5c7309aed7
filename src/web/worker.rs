//! The grading worker's side: runs jobs (a module, its call depth cap, a
//! request) off the page's thread, on the browser's engine when it can
//! answer exactly ([`super::browser_engine`]) and on wasmi otherwise. `web/worker.js`
//! loads this same wasm into a Web Worker and calls [`worker_run`].

use super::browser_engine::{self, BrowserProgram};
use crate::sandbox::{self, Program, Request};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// A module compiled for the jobs that name it (by id and call depth cap).
struct Compiled {
    id: String,
    stack_depth: u32,
    program: Program,
    /// `None` when the browser's engine cannot run it.
    browser: Option<BrowserProgram>,
}

/// Modules kept compiled: a Check's learner module, the interpreter a
/// language shares, and a few more; the oldest goes first.
const KEPT: usize = 4;

thread_local! {
    /// Newest last.
    static COMPILED: RefCell<Vec<Compiled>> = const { RefCell::new(Vec::new()) };
    /// Module bytes by id, as the page sent them (compiled per depth).
    static MODULES: RefCell<Vec<(String, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
}

/// Runs one job on the module `module` (its bytes in `wasm` the first time,
/// empty after); answers `{"outcome": …, "engine": "browser" | "wasmi",
/// "why": …}` (why wasmi ran it), `{"missing": true}` when it no longer has
/// the module, or `{"error": …}`, as JSON.
#[wasm_bindgen]
pub fn worker_run(module: &str, wasm: &[u8], stack_depth: u32, request: &str) -> String {
    if !wasm.is_empty() {
        MODULES.with(|m| {
            let mut m = m.borrow_mut();
            m.retain(|(id, _)| id != module);
            m.push((module.to_string(), wasm.to_vec()));
            if m.len() > KEPT {
                m.remove(0);
            }
        });
    }
    let reply = match serde_json::from_str::<Request>(request) {
        Ok(request) => run(module, stack_depth, request),
        Err(e) => Err(format!("unreadable request: {e}")),
    };
    match reply {
        Ok(Some((outcome, engine, why))) => {
            serde_json::json!({ "outcome": outcome, "engine": engine, "why": why }).to_string()
        }
        Ok(None) => serde_json::json!({ "missing": true }).to_string(),
        Err(error) => serde_json::json!({ "error": error }).to_string(),
    }
}

type Ran = (sandbox::Outcome, &'static str, Option<String>);

/// Runs `request` on module `id`; `Ok(None)` when the module is not here.
fn run(id: &str, stack_depth: u32, request: Request) -> Result<Option<Ran>, String> {
    COMPILED.with(|compiled| {
        let mut compiled = compiled.borrow_mut();
        let found = compiled
            .iter()
            .position(|c| c.id == id && c.stack_depth == stack_depth);
        let index = match found {
            Some(i) => i,
            None => {
                let Some(wasm) = MODULES.with(|m| {
                    m.borrow()
                        .iter()
                        .find(|(m, _)| m == id)
                        .map(|(_, w)| w.clone())
                }) else {
                    return Ok(None);
                };
                let program = Program::new(&wasm, stack_depth).map_err(|e| e.to_string())?;
                let browser = browser_engine::compile(&program);
                compiled.push(Compiled {
                    id: id.to_string(),
                    stack_depth,
                    program,
                    browser,
                });
                if compiled.len() > KEPT {
                    compiled.remove(0);
                }
                compiled.len() - 1
            }
        };
        let loaded = &compiled[index];
        let why = match &loaded.browser {
            Some(f) => match browser_engine::run(f, &loaded.program, &request) {
                Ok(outcome) => return Ok(Some((outcome, "browser", None))),
                Err(why) => why,
            },
            None => "the module does not link".to_string(),
        };
        Ok(Some((
            sandbox::run(&loaded.program, request),
            "wasmi",
            Some(why),
        )))
    })
}
