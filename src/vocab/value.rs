//! Typed WebAssembly values and function signatures as sandlab speaks of them.
//!
//! These are deliberately independent of wasmi's types: labs, reports and
//! records name values in these terms, and the engine behind the sandbox can
//! change without touching them.

use std::fmt;

/// A WebAssembly number type: the only types a check may pass or expect.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
}

impl ValType {
    /// Parses `i32`, `i64`, `f32` or `f64`.
    pub fn parse(text: &str) -> Option<ValType> {
        match text {
            "i32" => Some(ValType::I32),
            "i64" => Some(ValType::I64),
            "f32" => Some(ValType::F32),
            "f64" => Some(ValType::F64),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A WebAssembly value.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
// Floats cross process and worker boundaries as their bits: JSON has no NaN,
// and a NaN's payload is part of a result.
#[serde(into = "WireValue", from = "WireValue")]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl Value {
    pub fn ty(self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
        }
    }

    /// Bit-exact equality for integers; for floats, equal within `tolerance`
    /// (absolute), with NaN equal to NaN and infinities equal only to
    /// themselves.
    pub fn matches(self, other: Value, tolerance: f64) -> bool {
        match (self, other) {
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::I64(a), Value::I64(b)) => a == b,
            (Value::F32(a), Value::F32(b)) => floats_match(f64::from(a), f64::from(b), tolerance),
            (Value::F64(a), Value::F64(b)) => floats_match(a, b, tolerance),
            _ => false,
        }
    }
}

fn floats_match(a: f64, b: f64, tolerance: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    a == b || (a - b).abs() <= tolerance
}

/// Bit-exact equality: two runs that agree on every `Value` agree bit for bit.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (*self, *other) {
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::I64(a), Value::I64(b)) => a == b,
            (Value::F32(a), Value::F32(b)) => a.to_bits() == b.to_bits(),
            (Value::F64(a), Value::F64(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    /// Shows the value as a learner would write it; i32 values whose unsigned
    /// reading differs are shown both ways because WebAssembly integers have
    /// no sign of their own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F32(v) => write_float(f, f64::from(v)),
            Value::F64(v) => write_float(f, v),
        }
    }
}

fn write_float(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    if v.is_nan() {
        f.write_str("nan")
    } else if v.is_infinite() {
        f.write_str(if v > 0.0 { "inf" } else { "-inf" })
    } else if v == v.trunc() && v.abs() < 1e16 {
        write!(f, "{v:.1}")
    } else {
        write!(f, "{v}")
    }
}

/// How integers are shown to a learner. WebAssembly integers have no sign
/// of their own: `-1` and `4294967295` are the same i32.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    /// Signed, with the unsigned reading beside a negative value.
    #[default]
    Auto,
    Signed,
    Unsigned,
    Hex,
    /// As a character (`'A'`), for code points; with its number.
    Char,
}

impl Show {
    /// Every way, by its name in lab files.
    pub const ALL: [(&'static str, Show); 5] = [
        ("auto", Show::Auto),
        ("signed", Show::Signed),
        ("unsigned", Show::Unsigned),
        ("hex", Show::Hex),
        ("char", Show::Char),
    ];

    pub fn parse(name: &str) -> Option<Show> {
        Show::ALL.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }
}

impl Value {
    /// The value as `how` shows it; floats are shown as always.
    pub fn shown(self, how: Show) -> String {
        let (signed, unsigned, bits) = match self {
            Value::I32(v) => (i64::from(v), u64::from(v as u32), 32),
            Value::I64(v) => (v, v as u64, 64),
            _ => return self.to_string(),
        };
        match how {
            Show::Signed => signed.to_string(),
            Show::Unsigned => unsigned.to_string(),
            Show::Hex => format!("{:#0width$x}", unsigned, width = bits / 4 + 2),
            Show::Char => match char::from_u32(unsigned as u32).filter(|_| unsigned <= 0x10FFFF) {
                Some(c) if !c.is_control() => format!("{c:?} ({signed})"),
                _ => Value::shown(self, Show::Auto),
            },
            Show::Auto if signed < 0 => format!("{signed} (unsigned: {unsigned})"),
            Show::Auto => signed.to_string(),
        }
    }
}

/// Values as a comma-separated list, each as `how` shows it.
pub fn join_shown(values: &[Value], how: Show) -> String {
    values
        .iter()
        .map(|v| v.shown(how))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `20,000,000`: a count as people read it.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A function signature, written `(i32, i32) -> i32` in lab files.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FuncSig {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

impl FuncSig {
    /// Parses `(i32, i64) -> f32`, `() -> (i32, i32)` or `(i32)` (no results).
    ///
    /// # Errors
    ///
    /// What is wrong with `text`.
    pub fn parse(text: &str) -> Result<FuncSig, SigError> {
        let text = text.trim();
        let (params, results) = match text.split_once("->") {
            Some((p, r)) => (p.trim(), Some(r.trim())),
            None => (text, None),
        };
        let params = parse_type_list(params, true)?;
        let results = match results {
            Some(r) => parse_type_list(r, false)?,
            None => Vec::new(),
        };
        Ok(FuncSig { params, results })
    }
}

/// Why a signature could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SigError {
    /// Not of the form `(types) -> types`.
    Shape(String),
    /// A name that is not one of the four value types.
    UnknownType(String),
}

impl fmt::Display for SigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigError::Shape(text) => write!(
                f,
                "expected a signature like `(i32, i32) -> i32`, found `{text}`"
            ),
            SigError::UnknownType(t) => {
                write!(f, "`{t}` is not a value type (use i32, i64, f32 or f64)")
            }
        }
    }
}

impl std::error::Error for SigError {}

fn parse_type_list(text: &str, parens_required: bool) -> Result<Vec<ValType>, SigError> {
    let inner = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => inner,
        None if parens_required => return Err(SigError::Shape(text.to_string())),
        None => text,
    };
    inner
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| ValType::parse(t).ok_or_else(|| SigError::UnknownType(t.to_string())))
        .collect()
}

impl fmt::Display for FuncSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |types: &[ValType]| {
            types
                .iter()
                .map(|t| t.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(f, "({})", list(&self.params))?;
        match self.results.len() {
            0 => Ok(()),
            1 => write!(f, " -> {}", self.results[0]),
            _ => write!(f, " -> ({})", list(&self.results)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_round_trip() {
        for text in ["(i32, i32) -> i32", "()", "(f64) -> (i32, i64)", "(i64)"] {
            let sig = FuncSig::parse(text).expect(text);
            assert_eq!(sig.to_string(), text);
        }
        assert_eq!(
            FuncSig::parse("(i32,i32)->i32").map(|s| s.to_string()),
            Ok("(i32, i32) -> i32".to_string())
        );
    }

    #[test]
    fn bad_signatures_say_why() {
        let shape = FuncSig::parse("i32 -> i32").unwrap_err();
        assert_eq!(shape, SigError::Shape("i32".into()));
        assert!(shape.to_string().contains("signature like"), "{shape}");
        let unknown = FuncSig::parse("(int) -> i32").unwrap_err();
        assert_eq!(unknown, SigError::UnknownType("int".into()));
        assert!(unknown.to_string().contains("`int`"), "{unknown}");
    }

    #[test]
    fn integers_are_shown_as_asked_and_both_ways_when_ambiguous() {
        assert_eq!(
            Value::I32(-1).shown(Show::Auto),
            "-1 (unsigned: 4294967295)"
        );
        assert_eq!(Value::I32(5).shown(Show::Auto), "5");
        assert_eq!(Value::I32(-1).shown(Show::Unsigned), "4294967295");
        assert_eq!(Value::I64(-1).shown(Show::Unsigned), "18446744073709551615");
        assert_eq!(Value::I32(-1).shown(Show::Signed), "-1");
        assert_eq!(Value::I32(255).shown(Show::Hex), "0x000000ff");
        assert_eq!(Value::I32(65).shown(Show::Char), "'A' (65)");
        assert_eq!(
            Value::I32(10).shown(Show::Char),
            "10",
            "a control character"
        );
        assert_eq!(Value::F64(1.5).shown(Show::Hex), "1.5");
        assert_eq!(Show::parse("hex"), Some(Show::Hex));
        assert_eq!(Show::parse("octal"), None);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(20_000_000), "20,000,000");
    }

    #[test]
    fn floats_match_within_tolerance_and_nan_matches_nan() {
        assert!(Value::F64(1.0).matches(Value::F64(1.0005), 1e-3));
        assert!(!Value::F64(1.0).matches(Value::F64(1.1), 1e-3));
        assert!(Value::F32(f32::NAN).matches(Value::F32(f32::NAN), 0.0));
        assert!(!Value::F64(f64::INFINITY).matches(Value::F64(1e308), 1e308));
        assert!(!Value::I32(1).matches(Value::I64(1), 0.0));
    }
}

/// [`Value`] as serialised: floats by their bits.
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
enum WireValue {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

impl From<Value> for WireValue {
    fn from(v: Value) -> WireValue {
        match v {
            Value::I32(x) => WireValue::I32(x),
            Value::I64(x) => WireValue::I64(x),
            Value::F32(x) => WireValue::F32(x.to_bits()),
            Value::F64(x) => WireValue::F64(x.to_bits()),
        }
    }
}

impl From<WireValue> for Value {
    fn from(v: WireValue) -> Value {
        match v {
            WireValue::I32(x) => Value::I32(x),
            WireValue::I64(x) => Value::I64(x),
            WireValue::F32(x) => Value::F32(f32::from_bits(x)),
            WireValue::F64(x) => Value::F64(f64::from_bits(x)),
        }
    }
}
