//! Writing pieces of the WebAssembly binary format: LEB128 numbers and
//! sections in their required order. Shared by the passes that rewrite
//! modules (`meter`, `snapshot`); reading is wasmparser's job.

pub(crate) const I32: u8 = 0x7F;
pub(crate) const I64: u8 = 0x7E;
pub(crate) const F32: u8 = 0x7D;
pub(crate) const F64: u8 = 0x7C;

pub(crate) const MEMORY_SECTION: u8 = 5;
pub(crate) const GLOBAL_SECTION: u8 = 6;
pub(crate) const EXPORT_SECTION: u8 = 7;
pub(crate) const START_SECTION: u8 = 8;
pub(crate) const CODE_SECTION: u8 = 10;
pub(crate) const DATA_SECTION: u8 = 11;
pub(crate) const DATA_COUNT_SECTION: u8 = 12;

/// Section ids in the order the binary format requires them.
const ORDER: [u8; 13] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/// Where section `id` comes in the required order (custom sections last).
pub(crate) fn rank(id: u8) -> usize {
    ORDER.iter().position(|&s| s == id).unwrap_or(usize::MAX)
}

/// Writes a section: its id, its size and its contents.
pub(crate) fn section(out: &mut Vec<u8>, id: u8, contents: &[u8]) {
    out.push(id);
    write_u32(out, contents.len() as u32);
    out.extend_from_slice(contents);
}

/// Writes `value` as unsigned LEB128.
pub(crate) fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Writes `value` as signed LEB128.
pub(crate) fn write_i64(out: &mut Vec<u8>, mut value: i64) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}
