//! The kinds of WebAssembly trap, as labs, reports and records name them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of WebAssembly trap, named as the spec's test suite names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallToNull,
    DivisionByZero,
    IntegerOverflow,
    BadConversionToInteger,
    BadSignature,
    /// A WASI call the program made was invalid (bad pointer, no memory…).
    Host,
    /// Anything else the engine reported.
    Other,
}

impl TrapKind {
    pub const ALL: [TrapKind; 10] = [
        TrapKind::Unreachable,
        TrapKind::MemoryOutOfBounds,
        TrapKind::TableOutOfBounds,
        TrapKind::IndirectCallToNull,
        TrapKind::DivisionByZero,
        TrapKind::IntegerOverflow,
        TrapKind::BadConversionToInteger,
        TrapKind::BadSignature,
        TrapKind::Host,
        TrapKind::Other,
    ];

    /// The stable name used in lab files, reports and records.
    pub fn name(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "undefined element",
            TrapKind::IndirectCallToNull => "uninitialized element",
            TrapKind::DivisionByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::BadConversionToInteger => "invalid conversion to integer",
            TrapKind::BadSignature => "indirect call type mismatch",
            TrapKind::Host => "invalid system call",
            TrapKind::Other => "trap",
        }
    }

    pub fn parse(name: &str) -> Option<TrapKind> {
        TrapKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// A sentence that helps a learner find the cause.
    pub fn explain(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "the program executed an `unreachable` instruction",
            TrapKind::MemoryOutOfBounds => "a load or store went past the end of linear memory",
            TrapKind::TableOutOfBounds => "call_indirect used an index past the end of the table",
            TrapKind::IndirectCallToNull => "call_indirect reached an empty table slot",
            TrapKind::DivisionByZero => "an integer division or remainder had a zero divisor",
            TrapKind::IntegerOverflow => {
                "a signed division overflowed (the minimum value divided by -1)"
            }
            TrapKind::BadConversionToInteger => {
                "a float was NaN or out of range when truncated to an integer"
            }
            TrapKind::BadSignature => "call_indirect found a function of a different type",
            TrapKind::Host => "a system call was given bad arguments",
            TrapKind::Other => "the engine stopped the program",
        }
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
