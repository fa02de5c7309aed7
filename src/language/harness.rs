//! What script languages' runtimes share: a custom section that names the
//! harness (and module list) a runtime was built with. A runtime built by
//! another sandlab speaks another protocol with the grader, so the CLI
//! refuses it rather than fail every check as if the learner's code were
//! at fault.

/// The custom section's name.
pub const SECTION: &str = "sandlab:harness";

/// The key of a harness and its module list (empty for a language without
/// one): a hex SHA-256.
pub fn key(harness: &str, modules: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(harness.as_bytes());
    hash.update([0]);
    hash.update(modules.as_bytes());
    crate::lab::hex(&hash.finalize())
}

/// Adds the section naming `key` to a runtime's bytes.
pub fn stamp(runtime: &mut Vec<u8>, key: &str) {
    let mut contents = Vec::new();
    crate::encode::write_u32(&mut contents, SECTION.len() as u32);
    contents.extend_from_slice(SECTION.as_bytes());
    contents.extend_from_slice(key.as_bytes());
    crate::encode::section(runtime, 0, &contents);
}

/// Whether `runtime` carries `wanted`.
///
/// # Errors
///
/// Why not, for the person who installed it.
pub fn check(runtime: &[u8], wanted: &str) -> Result<(), String> {
    let found = wasmparser::Parser::new(0)
        .parse_all(runtime)
        .find_map(|payload| match payload {
            Ok(wasmparser::Payload::CustomSection(c)) if c.name() == SECTION => {
                Some(String::from_utf8_lossy(c.data()).into_owned())
            }
            _ => None,
        });
    match found {
        Some(key) if key == wanted => Ok(()),
        Some(_) => Err("it was built by another version of sandlab (another harness)".into()),
        None => Err("it is not a runtime built by `sandlab runtime`".into()),
    }
}
