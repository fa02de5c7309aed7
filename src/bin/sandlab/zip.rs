//! Writing a zip file (PKZIP 2.0: deflated entries, no zip64), what LMSs
//! import. The same files in the same order give the same bytes: entries
//! carry a fixed time.

use std::io::Write as _;

/// A zip of `entries` (path, bytes), in that order.
///
/// # Errors
///
/// An entry too large for a zip without zip64 (4 GB), or more than 65,535
/// entries.
pub fn zip(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    if entries.len() > u16::MAX as usize {
        return Err(format!(
            "{} files: a zip holds 65,535 at most",
            entries.len()
        ));
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, bytes) in entries {
        let mut crc = flate2::Crc::new();
        crc.update(bytes);
        let mut deflater =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        deflater
            .write_all(bytes)
            .map_err(|e| format!("{name}: {e}"))?;
        let deflated = deflater.finish().map_err(|e| format!("{name}: {e}"))?;
        // Stored when deflating does not help (an already gzipped runtime).
        let (method, data): (u16, &[u8]) = if deflated.len() < bytes.len() {
            (8, &deflated)
        } else {
            (0, bytes)
        };
        let too_big = |n: usize| u32::try_from(n).map_err(|_| format!("{name} is over 4 GB"));
        let (size, compressed) = (too_big(bytes.len())?, too_big(data.len())?);
        let offset = too_big(out.len())?;
        let name_bytes = name.as_bytes();
        let header = |signature: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&signature.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by: 2.0
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed: 2.0
            h.extend_from_slice(&0x0800u16.to_le_bytes()); // names are UTF-8
            h.extend_from_slice(&method.to_le_bytes());
            // 1980-01-01 00:00, so the bytes do not depend on when.
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&0x0021u16.to_le_bytes());
            h.extend_from_slice(&crc.sum().to_le_bytes());
            h.extend_from_slice(&compressed.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name_bytes.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra field
            if central {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name_bytes);
            h
        };
        out.extend_from_slice(&header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend_from_slice(&header(0x0201_4b50, true));
    }
    let start = u32::try_from(out.len()).map_err(|_| "the zip is over 4 GB".to_string())?;
    let length = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    Ok(out)
}
