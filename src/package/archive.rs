//! A package as one `.zip`: dropped (its files, by their paths inside the archive) or taken
//! away (the files as they are in the page).
//!
//! Invariant: an archive is hostile until read: the entry count and the bytes actually
//! inflated are bounded, whatever the archive's own headers claim.

use std::io::{Cursor, Read, Write};

use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use crate::package::PackageFiles;

/// More entries than any package has; beyond it the archive is refused.
pub const MAX_ENTRIES: usize = 10_000;
/// The most all entries may inflate to together.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// Whether `bytes` start like a zip archive (a local file header, or an empty archive's end).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Every file in the archive as (path, bytes), folders left out; an error names what is wrong.
pub fn unpack(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| format!("not a zip archive: {error}"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!("the archive has {} entries; at most {MAX_ENTRIES} are read", archive.len()));
    }
    let mut budget = MAX_UNPACKED_BYTES;
    let mut files = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|error| format!("entry {index}: {error}"))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_err(|error| format!("entry {index}: {error}"))?.replace('\\', "/");
        let mut content = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut content)
            .map_err(|error| format!("{name}: cannot be unpacked: {error}"))?;
        budget = budget.checked_sub(content.len() as u64).ok_or_else(|| {
            format!("the archive unpacks to more than {} MiB; it is refused", MAX_UNPACKED_BYTES >> 20)
        })?;
        files.push((name, content));
    }
    Ok(files)
}

/// Every file as a zip entry at its path, byte for byte: text deflated, binaries stored (they
/// gain little, and storing a large one costs only a copy).
pub fn pack(files: &PackageFiles) -> Result<Vec<u8>, String> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for path in files.paths() {
        let bytes = files.get(path).unwrap_or_default();
        let method = if std::str::from_utf8(bytes).is_ok() {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(bytes.len() >= u32::MAX as usize);
        writer.start_file(path, options).map_err(|error| format!("{path}: {error}"))?;
        writer.write_all(bytes).map_err(|error| format!("{path}: {error}"))?;
    }
    Ok(writer.finish().map_err(|error| error.to_string())?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        writer.add_directory("pkg/", options).unwrap();
        for (name, bytes) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn files_come_out_by_path_without_folders() {
        let bytes = zip_of(&[("pkg/manifest.json", b"{}"), ("pkg/artifacts/a.wasm", b"\0asm\x01\0\0\0")]);
        assert!(is_zip(&bytes));
        let files = unpack(&bytes).unwrap();
        assert_eq!(
            files,
            [
                ("pkg/manifest.json".into(), b"{}".to_vec()),
                ("pkg/artifacts/a.wasm".into(), b"\0asm\x01\0\0\0".to_vec())
            ]
        );
    }

    #[test]
    fn a_damaged_archive_is_an_error_not_a_panic() {
        let bytes = zip_of(&[("pkg/manifest.json", &[b'x'; 4096])]);
        assert!(unpack(&bytes[..bytes.len() / 2]).unwrap_err().starts_with("not a zip archive"));
        assert!(!is_zip(b"\x89PNG\r\n"));
        assert!(unpack(b"PK\x03\x04 truncated").is_err());
    }

    #[test]
    fn a_packed_package_unpacks_byte_for_byte() {
        let mut files = PackageFiles::new();
        files.insert("pkg/manifest.json", br#"{"kind": "capability_package"}"#.to_vec());
        files.insert("pkg/artifacts/a.wasm", b"\0asm\x01\0\0\0\xff".to_vec());
        files.insert("contracts/c.json", vec![b' '; 100_000]);
        let packed = pack(&files).unwrap();
        assert!(is_zip(&packed));
        assert!(packed.len() < 10_000, "text is deflated: {} bytes", packed.len());
        let unpacked = unpack(&packed).unwrap();
        let expected: Vec<(String, Vec<u8>)> =
            files.paths().map(|path| (path.to_owned(), files.get(path).unwrap().to_vec())).collect();
        assert_eq!(unpacked, expected);
        assert_eq!(unpack(&pack(&PackageFiles::new()).unwrap()).unwrap(), []);
    }
}
