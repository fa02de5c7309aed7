//! The vocabulary every layer speaks: WebAssembly values and signatures,
//! trap kinds, the limits of a run, and web addresses.
//!
//! The ground floor: it imports nothing else of sandlab, so the lab format,
//! the sandbox, the grader and the exporters can all use it without
//! depending on each other.

mod address;
mod limits;
mod trap;
mod value;

pub use address::{is_iri, is_url, origin};
pub use limits::Limits;
pub use trap::TrapKind;
pub use value::{FuncSig, Show, SigError, ValType, Value, join_shown, thousands};
