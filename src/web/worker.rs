//! The grading worker's side: runs jobs (a module, its call depth cap, a
//! request) off the page's thread, on the browser's engine when it can
//! answer exactly ([`super::fast`]) and on wasmi otherwise. `web/worker.js`
//! loads this same wasm into a Web Worker and calls [`worker_run`].

use super::fast::{self, FastProgram};
use crate::sandbox::{self, Program, Request};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The last module a job brought: a grading sends the same one for every
/// check, so it is compiled once.
struct Loaded {
    wasm: Vec<u8>,
    stack_depth: u32,
    program: Program,
    fast: Option<FastProgram>,
}

thread_local! {
    static LOADED: RefCell<Option<Loaded>> = const { RefCell::new(None) };
}

/// Runs one job; answers `{"outcome": …, "engine": "browser" | "wasmi",
/// "why": …}` (why wasmi ran it) or `{"error": …}` as JSON.
#[wasm_bindgen]
pub fn worker_run(wasm: &[u8], stack_depth: u32, request: &str) -> String {
    let reply = match serde_json::from_str::<Request>(request) {
        Ok(request) => run(wasm, stack_depth, request),
        Err(e) => Err(format!("unreadable request: {e}")),
    };
    match reply {
        Ok((outcome, engine, why)) => {
            serde_json::json!({ "outcome": outcome, "engine": engine, "why": why }).to_string()
        }
        Err(error) => serde_json::json!({ "error": error }).to_string(),
    }
}

fn run(
    wasm: &[u8],
    stack_depth: u32,
    request: Request,
) -> Result<(sandbox::Outcome, &'static str, Option<String>), String> {
    LOADED.with(|loaded| {
        let mut loaded = loaded.borrow_mut();
        let fresh = !matches!(&*loaded, Some(l) if l.wasm == wasm && l.stack_depth == stack_depth);
        if fresh {
            let program = Program::new(wasm, stack_depth).map_err(|e| e.to_string())?;
            let fast = fast::compile(&program);
            *loaded = Some(Loaded {
                wasm: wasm.to_vec(),
                stack_depth,
                program,
                fast,
            });
        }
        let loaded = loaded.as_ref().ok_or("no module")?;
        let why = match &loaded.fast {
            Some(f) => match fast::run(f, &loaded.program, &request) {
                Ok(outcome) => return Ok((outcome, "browser", None)),
                Err(why) => why,
            },
            None => "the module does not link".to_string(),
        };
        Ok((sandbox::run(&loaded.program, request), "wasmi", Some(why)))
    })
}
