//! A package as one `.zip`: dropped (its files, by their paths inside the archive) or taken
//! away (the files as they are in the page).
//!
//! Invariant: an archive is hostile until read: the entry count and the bytes actually
//! inflated are bounded, whatever the archive's own headers claim, and every entry is read,
//! same-named ones included, so none can hide behind another.

use std::io::{Cursor, Read, Write};

use zip::{
    CompressionMethod, ZipReadOptions, ZipWriter, read::Config, unstable::read::ZipIterable,
    write::SimpleFileOptions,
};

use serde_json::Value;

use crate::package::{
    PackageFiles, split_key,
    workspace::{Item, Kind},
};

/// More entries than any package has; beyond it the archive is refused.
pub const MAX_ENTRIES: usize = 10_000;
/// The most all entries may inflate to together.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// Whether `bytes` start like a zip archive (a local file header, or an empty archive's end).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Every file in the archive as (path, bytes), in the central directory's order, folders left
/// out and entries that share a name all kept (the caller names and leaves out the later ones);
/// an error names what is wrong.
///
/// Read entry by entry from the central directory (zip's `ZipIterable`): `ZipArchive` keys its
/// entries by name, so a second `manifest.json` would silently replace the first, and it indexes
/// every entry before its count can be bounded.
pub fn unpack(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = ZipIterable::try_new(Cursor::new(bytes), Config::default())
        .map_err(|error| format!("not a zip archive: {error}"))?;
    // The count the archive's end record claims, which the walk below never exceeds.
    if archive.len() > MAX_ENTRIES {
        return Err(format!("the archive has {} entries; at most {MAX_ENTRIES} are read", archive.len()));
    }
    let mut budget = MAX_UNPACKED_BYTES;
    let mut files = Vec::new();
    let entries = archive.files().map_err(|error| format!("not a zip archive: {error}"))?;
    let mut index = 0;
    while let Some(entry) = entries.next() {
        let entry = entry.map_err(|error| format!("entry {index}: {error}"))?;
        index += 1;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_err(|error| format!("entry {index}: {error}"))?.replace('\\', "/");
        let mut content = Vec::new();
        entry
            .with_reader(entries.reader_mut(), ZipReadOptions::new())
            .and_then(|entry| Ok(entry.take(budget + 1).read_to_end(&mut content)?))
            .map_err(|error| format!("{name}: cannot be unpacked: {error}"))?;
        budget = budget.checked_sub(content.len() as u64).ok_or_else(|| {
            format!("the archive unpacks to more than {} MiB; it is refused", MAX_UNPACKED_BYTES >> 20)
        })?;
        files.push((name, content));
    }
    Ok(files)
}

/// What a download of `files` is called: after the application or registry bundle among the
/// set's `items` (`<id>-<version>.zip`), else the package whose manifest is `manifest`
/// (`<package_id>-<version>.zip`), else the one folder every file is in; `package.zip` when none
/// says. Only letters, digits, `.`, `-` and `_` are kept of a name.
pub fn download_name(files: &PackageFiles, items: &[Item], manifest: Option<&str>) -> String {
    let bundle = items
        .iter()
        .filter(|item| matches!(item.kind, Kind::Application | Kind::RegistryBundle))
        .find_map(|item| split_key(item.id.as_deref()?))
        .map(|(id, version)| format!("{id}-{version}"));
    let package = || {
        let manifest: Value = serde_json::from_slice(files.get(manifest?)?).ok()?;
        Some(format!("{}-{}", manifest.get("package_id")?.as_str()?, manifest.get("version")?.as_str()?))
    };
    let folder = || {
        let mut tops = files.paths().map(|path| path.split_once('/').map(|(top, _)| top));
        let first = tops.next()??;
        tops.all(|top| top == Some(first)).then(|| first.to_owned())
    };
    let stem: String = bundle
        .or_else(package)
        .or_else(folder)
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' })
        .collect();
    let stem = stem.trim_matches(['.', '-']);
    format!("{}.zip", if stem.is_empty() { "package" } else { stem })
}

/// Every file as a zip entry, byte for byte: text deflated, binaries stored (they gain little,
/// and storing a large one costs only a copy). No entry climbs out of the archive: when a file
/// sits above the package (Traverse's `../../../contracts/…`), the package's own files go as
/// many `package/` folders down, so every path between them resolves as it does in the page. A
/// name no archive should carry (absolute, on a drive, with a control character) is refused.
pub fn pack(files: &PackageFiles) -> Result<Vec<u8>, String> {
    let climbs = |path: &str| path.split('/').take_while(|segment| *segment == "..").count();
    let depth = files.paths().map(climbs).max().unwrap_or(0);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for path in files.paths() {
        if let Some(unsafe_name) = super::unsafe_name(path) {
            return Err(format!("{}: {unsafe_name}, which no archive should carry", super::shown_path(path)));
        }
        let up = climbs(path);
        let entry = "package/".repeat(depth - up) + &path.split('/').skip(up).collect::<Vec<_>>().join("/");
        let bytes = files.get(path).unwrap_or_default();
        let method = if std::str::from_utf8(bytes).is_ok() {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        // A script (build.sh) keeps its right to run once unzipped.
        let mode = if bytes.starts_with(b"#!") { 0o755 } else { 0o644 };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .unix_permissions(mode)
            .large_file(bytes.len() >= u32::MAX as usize);
        writer.start_file(entry, options).map_err(|error| format!("{path}: {error}"))?;
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

    #[test]
    fn a_script_unzips_runnable_and_nothing_else_does() {
        let mut files = PackageFiles::new();
        files.insert("build.sh", b"#!/usr/bin/env bash\n".to_vec());
        files.insert("manifest.json", b"{}".to_vec());
        let mut archive = zip::ZipArchive::new(Cursor::new(pack(&files).unwrap())).unwrap();
        let mut mode = |name: &str| archive.by_name(name).unwrap().unix_mode().map(|mode| mode & 0o777);
        assert_eq!((mode("build.sh"), mode("manifest.json")), (Some(0o755), Some(0o644)));
    }

    #[test]
    fn a_file_above_the_package_is_packed_inside_the_archive_with_the_package_below_it() {
        let mut files = PackageFiles::new();
        files.insert("manifest.json", b"{}".to_vec());
        files.insert("artifacts/a.wasm", b"\0asm".to_vec());
        files.insert("../../../contracts/c.json", b"{}".to_vec());
        files.insert("../shared.json", b"[]".to_vec());
        let names: Vec<String> =
            unpack(&pack(&files).unwrap()).unwrap().into_iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                "contracts/c.json",
                "package/package/shared.json",
                "package/package/package/artifacts/a.wasm",
                "package/package/package/manifest.json",
            ]
        );
        let mut absolute = PackageFiles::new();
        absolute.insert("/etc/cron.d/job", b"x".to_vec());
        assert_eq!(
            pack(&absolute).unwrap_err(),
            "/etc/cron.d/job: it is an absolute path, which no archive should carry"
        );
    }

    /// `bytes` with every name `entry-NNNNN` (in local and central headers alike) renamed to
    /// `entry-same!`: the writer refuses two entries of one name, and this is how a hostile
    /// archive gets them.
    fn all_named_alike(mut bytes: Vec<u8>) -> Vec<u8> {
        for at in 0..bytes.len().saturating_sub(11) {
            if bytes[at..].starts_with(b"entry-") && bytes[at + 6..at + 11].iter().all(u8::is_ascii_digit) {
                bytes[at + 6..at + 11].copy_from_slice(b"same!");
            }
        }
        bytes
    }

    #[test]
    fn every_entry_is_read_even_under_a_name_already_read() {
        let bytes = all_named_alike(zip_of(&[("entry-00000", b"first"), ("entry-00001", b"stub")]));
        assert_eq!(
            unpack(&bytes).unwrap(),
            [("entry-same!".into(), b"first".to_vec()), ("entry-same!".into(), b"stub".to_vec())]
        );
    }

    #[test]
    fn the_entry_bound_counts_entries_not_names() {
        let names: Vec<String> = (0..MAX_ENTRIES).map(|i| format!("entry-{i:05}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|name| (name.as_str(), &b""[..])).collect();
        // With the folder zip_of adds, one entry more than the bound, under two names.
        let bytes = all_named_alike(zip_of(&entries));
        assert_eq!(unpack(&bytes).unwrap_err(), "the archive has 10001 entries; at most 10000 are read");
    }

    /// A download is named after what it holds: the set's bundle, else the package, else its
    /// folder; never a name a disk would read as a path.
    #[test]
    fn a_download_is_named_after_what_it_holds() {
        let mut files = PackageFiles::new();
        files.insert("hello/manifest.json", br#"{"package_id": "acme.hello", "version": "1.2.0"}"#.to_vec());
        files.insert("hello/contract.json", b"{}".to_vec());
        assert_eq!(download_name(&files, &[], Some("hello/manifest.json")), "acme.hello-1.2.0.zip");
        assert_eq!(download_name(&files, &[], None), "hello.zip");
        let bundle =
            Item { path: "b.json".into(), kind: Kind::RegistryBundle, id: Some("acme/flows@2.0.0".into()) };
        assert_eq!(download_name(&files, &[bundle], Some("hello/manifest.json")), "acme-flows-2.0.0.zip");
        files.insert("other/x.json", b"{}".to_vec());
        assert_eq!(download_name(&files, &[], None), "package.zip");
        files.insert("m.json", br#"{"package_id": "../..", "version": ""}"#.to_vec());
        assert_eq!(download_name(&files, &[], Some("m.json")), "package.zip");
    }
}
