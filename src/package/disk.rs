//! Package files on disk, for the command line and the native tests (native only): every read
//! is of a regular file, within a size bound, before its bytes are spent.

use std::{
    fs,
    io::{self, Error, ErrorKind, Read},
    path::Path,
};

use crate::package::{PackageFiles, workspace::named_files};

/// The largest JSON document (manifest, contract, request, workflow) the command line reads.
pub const MAX_JSON_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest file of any kind (a binary) the command line reads.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// The most one command reads, all its files together: a folder of links to one large file
/// would otherwise read it once per link.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;

/// What one command has read so far, asked before each file is read.
#[derive(Debug, Default)]
struct Budget {
    spent: u64,
}

impl Budget {
    /// [`read_file`], refused unread with [`ErrorKind::QuotaExceeded`] when the file would take
    /// what the command has read past [`MAX_TOTAL_BYTES`].
    fn read(&mut self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let left = MAX_TOTAL_BYTES - self.spent;
        if fs::metadata(path)?.len() > left {
            return Err(Error::new(
                ErrorKind::QuotaExceeded,
                format!(
                    "{}: reading it would take this command past {MAX_TOTAL_BYTES} bytes, the most one command reads \
                     ({} read so far); nothing more was read",
                    path.display(),
                    self.spent
                ),
            ));
        }
        let bytes = read_file(path, limit.min(left))?;
        self.spent += bytes.len() as u64;
        Ok(bytes)
    }
}

/// The bytes of the regular file at `path`, refused unread when it is anything else (a folder,
/// a FIFO, a device such as `/dev/zero`, which would block or never end) or larger than `limit`.
pub fn read_file(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let metadata = fs::metadata(path)?;
    if metadata.is_dir() {
        return Err(Error::new(ErrorKind::IsADirectory, "is a folder, not a file"));
    }
    if !metadata.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "is not a regular file (a device, a FIFO or a socket)",
        ));
    }
    let too_large =
        || Error::new(ErrorKind::FileTooLarge, format!("is larger than {limit} bytes, the most read"));
    if metadata.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    fs::File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Reads every file under `root`, keyed by its path relative to `root`, each within
/// [`MAX_FILE_BYTES`] and all within [`MAX_TOTAL_BYTES`].
pub fn read_tree(root: &Path) -> io::Result<PackageFiles> {
    fn walk(root: &Path, dir: &Path, files: &mut PackageFiles, budget: &mut Budget) -> io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, files, budget)?;
            } else if let Ok(relative) = path.strip_prefix(root) {
                files.insert(
                    &relative.to_string_lossy().replace('\\', "/"),
                    budget.read(&path, MAX_FILE_BYTES)?,
                );
            }
        }
        Ok(())
    }
    let mut files = PackageFiles::new();
    walk(root, root, &mut files, &mut Budget::default())?;
    Ok(files)
}

/// The manifest and the files it names, read relative to the manifest's folder as Traverse
/// reads them; no manifest at all is for the checks to report, any other failure to read it
/// is returned.
pub fn read_package(manifest: &str) -> io::Result<PackageFiles> {
    let mut files = PackageFiles::new();
    let mut budget = Budget::default();
    let bytes = match budget.read(Path::new(manifest), MAX_JSON_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(files),
        Err(error) => return Err(error),
    };
    for named in named_files(manifest, &bytes) {
        // A folder is not a file, for Traverse as for us: reading it fails, and the checks
        // name the file as missing.
        match budget.read(Path::new(&named.resolved.display), MAX_FILE_BYTES) {
            Ok(bytes) => files.insert(&named.resolved.key, bytes),
            Err(error) if error.kind() == ErrorKind::QuotaExceeded => return Err(error),
            Err(_) => {}
        }
    }
    files.insert(manifest, bytes);
    Ok(files)
}

/// The most files a set read from a bundle manifest follows (a bundle may name 10,000).
pub const MAX_SET_FILES: usize = 20_000;

/// A set as read from disk: its files, and why each file it names that exists could not be
/// read (a device, a FIFO, a link loop), which Traverse calls missing.
#[derive(Debug, Default)]
pub struct ReadSet {
    pub files: PackageFiles,
    pub unreadable: Vec<(String, io::Error)>,
}

/// A bundle or application manifest and every file it reaches, as Traverse reads them: the
/// files it names, the files those name (an application's component manifests name contracts
/// and binaries), each read once, at most [`MAX_SET_FILES`], all within [`MAX_TOTAL_BYTES`]. A
/// file that cannot be read is left out, for the checks to name as missing.
pub fn read_set(manifest: &str) -> io::Result<ReadSet> {
    let mut budget = Budget::default();
    let mut set = ReadSet::default();
    set.files.insert(manifest, budget.read(Path::new(manifest), MAX_JSON_FILE_BYTES)?);
    let mut tried = std::collections::BTreeSet::new();
    loop {
        let (_, references) = crate::package::workspace::set(&set.files);
        let wanted: Vec<String> = references
            .into_iter()
            .filter_map(|reference| match reference.target {
                crate::package::workspace::Target::File { path } if reference.found.is_none() => Some(path),
                _ => None,
            })
            .filter(|path| tried.insert(path.clone()))
            .collect();
        if wanted.is_empty() || tried.len() > MAX_SET_FILES {
            return Ok(set);
        }
        for path in wanted {
            match budget.read(Path::new(&path), MAX_FILE_BYTES) {
                Ok(bytes) => set.files.insert(&path, bytes),
                Err(error) if error.kind() == ErrorKind::QuotaExceeded => return Err(error),
                Err(error) if error.kind() == ErrorKind::NotFound => {}
                Err(error) => set.unreadable.push((path, error)),
            }
        }
    }
}
