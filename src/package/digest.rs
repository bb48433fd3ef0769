//! Digests of package binaries, in the text form Traverse writes them.
//!
//! Traverse checks a package's `binary.expected_digest` against [`fnv1a64`] of the raw `.wasm`
//! bytes, by exact string equality (SPEC §3). `sha256:` digests appear only in registry and
//! bundle records; the playground shows [`sha256`] for cross-checking.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// `fnv1a64:` followed by the 16 lowercase hex digits of FNV-1a 64 over `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> String {
    let mut hasher = Fnv1a64::default();
    hasher.update(bytes);
    hasher.finish()
}

fn fnv1a64_update(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME))
}

/// `sha256:` followed by the 64 lowercase hex digits of SHA-256 over `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    sha256_text(&Sha256::digest(bytes))
}

/// `sha256:` followed by the hex digits of a SHA-256 `digest` (32 bytes), however computed: the
/// intake worker has the browser's own SHA-256 compute it.
pub fn sha256_text(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::from("sha256:"), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

/// FNV-1a 64 over bytes that arrive in pieces.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Self(FNV_OFFSET_BASIS)
    }
}

impl Fnv1a64 {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0 = fnv1a64_update(self.0, bytes);
    }

    /// As [`fnv1a64`] writes it.
    pub fn finish(self) -> String {
        format!("fnv1a64:{:016x}", self.0)
    }
}

/// Both digests of one file, computed once ([`crate::package::PackageFiles::digests`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digests {
    pub fnv1a64: String,
    pub sha256: String,
}

impl Digests {
    pub fn of(bytes: &[u8]) -> Self {
        let mut hasher = Hasher::default();
        hasher.update(bytes);
        hasher.finish()
    }
}

/// Both digests over bytes that arrive in pieces, so a large file can be hashed with progress.
#[derive(Debug, Clone, Default)]
pub struct Hasher {
    fnv1a64: Fnv1a64,
    sha256: Sha256,
}

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        self.fnv1a64.update(bytes);
        self.sha256.update(bytes);
    }

    pub fn finish(self) -> Digests {
        Digests { fnv1a64: self.fnv1a64.finish(), sha256: sha256_text(&self.sha256.finalize()) }
    }
}

/// Why `declared` can never equal an [`fnv1a64`] digest, or `None` when its form is right.
pub fn fnv1a64_form_problem(declared: &str) -> Option<&'static str> {
    let Some(hex) = declared.strip_prefix("fnv1a64:") else {
        return Some(if declared.starts_with("sha256:") {
            "a sha256: digest; package manifests hold the fnv1a64: digest of the binary"
        } else {
            "not of the form fnv1a64: followed by 16 lowercase hex digits"
        });
    };
    if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some("not of the form fnv1a64: followed by 16 lowercase hex digits")
    } else if hex.bytes().any(|b| b.is_ascii_uppercase()) {
        Some("upper-case hex; Traverse compares digests exactly, so the hex must be lowercase")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_in_pieces_gives_the_digests_of_the_whole() {
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut hasher = Hasher::default();
        for piece in bytes.chunks(999) {
            hasher.update(piece);
        }
        assert_eq!(hasher.finish(), Digests { fnv1a64: fnv1a64(&bytes), sha256: sha256(&bytes) });
    }

    #[test]
    fn fnv1a64_matches_the_published_vectors() {
        // SPEC §3 and the FNV reference test suite.
        assert_eq!(fnv1a64(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(fnv1a64(b"a"), "fnv1a64:af63dc4c8601ec8c");
        assert_eq!(fnv1a64(b"foobar"), "fnv1a64:85944171f73967e8");
    }

    #[test]
    fn fnv1a64_of_traverse_template_placeholder_module() {
        // `(module (func (export "_start")))`: the 36 bytes behind the digest in Traverse's
        // manifest.template.json.
        let module: [u8; 36] = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
            0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
            0x07, 0x0a, 0x01, 0x06, b'_', b's', b't', b'a', b'r', b't', 0x00, 0x00, // export
            0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section: empty body
        ];
        assert_eq!(fnv1a64(&module), "fnv1a64:dffc31d6401c84d6");
    }

    #[test]
    fn fnv1a64_keeps_leading_zero_digits() {
        // The hash of "13900" is below 2^56, so unpadded hex would be two digits short.
        assert_eq!(fnv1a64(b"13900"), "fnv1a64:00f5898e9456454c");
    }

    #[test]
    fn sha256_is_lowercase_prefixed_hex() {
        assert_eq!(sha256(b"abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
