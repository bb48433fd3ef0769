//! A validated description of a core WebAssembly module: what the checks need to know of it.
//!
//! Pure data read with wasmparser: imports of every kind, exports, memories, tables, function
//! signatures of the entry points, and the `producers` section. Compiling and running the
//! module is the runner's business, not this module's.
//!
//! The checks are given a [`Reader`] rather than reading modules themselves: the command line
//! and the workers read them here ([`ReadHere`]); the page has the runner worker read them, so
//! that wasmparser, an eighth of its download, is not in the page (`web::ui::modules`).

use wasmparser::{
    CompositeInnerType, ExternalKind, FuncType, KnownCustom, Parser, Payload, TypeRef, Validator,
};

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::check::{kept::Kept, limits::GOVERNED_FEATURES};

/// What kind of thing an import or export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExternKind {
    Function,
    Table,
    Memory,
    Global,
    Tag,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ExternKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    /// For a function: its parameter and result counts (an entry must have none of either).
    pub signature: Option<Signature>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub params: usize,
    pub results: usize,
}

/// Limits of a memory (in 64 KiB pages) or a table (in elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub initial: u64,
    pub maximum: Option<u64>,
    pub imported: bool,
}

/// The function Traverse calls, chosen as Traverse chooses it (SPEC §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// An export with the empty name, preferred over `_start`.
    EmptyName,
    Start,
    /// Neither: Traverse runs nothing.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleInfo {
    /// In the module's own order.
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub memories: Vec<Limits>,
    pub tables: Vec<Limits>,
    /// `producers` section fields: (field, [(name, version)]).
    pub producers: Vec<(String, Vec<(String, String)>)>,
    /// The most targets of any `br_table`, default excluded (browsers cap them).
    pub largest_br_table: usize,
}

impl ModuleInfo {
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|export| export.name == name && export.kind == ExternKind::Function)
    }

    pub fn entry(&self) -> Entry {
        if self.export("").is_some() {
            Entry::EmptyName
        } else if self.export("_start").is_some() {
            Entry::Start
        } else {
            Entry::None
        }
    }

    /// The entry's export, when there is one.
    pub fn entry_export(&self) -> Option<&Export> {
        match self.entry() {
            Entry::EmptyName => self.export(""),
            Entry::Start => self.export("_start"),
            Entry::None => None,
        }
    }
}

/// Why bytes are not a module Traverse could run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InspectError {
    /// A component-model binary, not a core module.
    Component,
    /// Not WebAssembly at all: its first bytes in hex, and what they look like, if known.
    NotWasm { starts: String, looks_like: Option<String> },
    /// Not WebAssembly, or invalid WebAssembly: the validator's message.
    Invalid(String),
    /// Not read: the page's runner worker, which reads modules for it, did not answer (why).
    Unread(String),
}

/// Every WebAssembly binary starts with these four bytes (`\0asm`).
pub const WASM_MAGIC: &[u8] = b"\0asm";

/// What a file that is not WebAssembly probably is, by its first bytes, for a clearer message.
fn file_kind(bytes: &[u8]) -> Option<&'static str> {
    const KINDS: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a zip archive"),
        (b"\x1f\x8b", "gzip-compressed data"),
        (b"\x7fELF", "a native ELF executable"),
        (b"MZ", "a Windows executable"),
        (b"(module", "WebAssembly text (WAT): assemble it into a binary first"),
    ];
    if bytes.is_empty() {
        return Some("an empty file");
    }
    KINDS.iter().find(|(magic, _)| bytes.starts_with(magic)).map(|(_, kind)| *kind).or_else(|| {
        let text = std::str::from_utf8(&bytes[..bytes.len().min(64)]).ok()?.trim_start();
        Some(if text.starts_with(['{', '[']) { "JSON text" } else { "text" })
    })
}

/// What reading a module gives: its description, or why it is not a module Traverse could run.
pub type Reading = Result<ModuleInfo, InspectError>;

/// Where the checks get the modules they check.
pub trait Reader {
    /// The reading of `bytes`, whose SHA-256 is `sha256` when known; `None` while it is being
    /// read elsewhere (the checks say so, and are run again once it is read).
    fn read(&self, bytes: &[u8], sha256: Option<&str>) -> Option<Reading>;
}

/// Reads modules on the spot, with wasmparser.
pub struct ReadHere;

impl Reader for ReadHere {
    fn read(&self, bytes: &[u8], sha256: Option<&str>) -> Option<Reading> {
        Some(match sha256 {
            Some(sha256) => inspect_known(bytes, sha256),
            None => inspect(bytes),
        })
    }
}

/// How many modules' descriptions are kept for the next checks.
const KEPT_MODULES: usize = 4;

/// [`inspect`] of a module whose SHA-256 is known (the page and the checks keep each file's),
/// its outcome kept for the next checks: validating is most of a package's check in the page,
/// and a re-check after an edit elsewhere in the package need not validate the module again.
pub fn inspect_known(bytes: &[u8], sha256: &str) -> Reading {
    thread_local! {
        static KEPT: RefCell<Kept<String, Reading, KEPT_MODULES>> =
            const { RefCell::new(Kept::new()) };
    }
    KEPT.with_borrow_mut(|kept| kept.get_or_make(&sha256.to_owned(), || inspect(bytes)))
}

/// Validates `bytes` as a core module and describes it.
pub fn inspect(bytes: &[u8]) -> Reading {
    if Parser::is_component(bytes) {
        return Err(InspectError::Component);
    }
    if !bytes.starts_with(WASM_MAGIC) {
        let starts = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ");
        return Err(InspectError::NotWasm { starts, looks_like: file_kind(bytes).map(str::to_owned) });
    }
    Validator::new_with_features(GOVERNED_FEATURES)
        .validate_all(bytes)
        .map_err(|error| InspectError::Invalid(error.to_string()))?;
    describe(bytes).map_err(|error| InspectError::Invalid(error.to_string()))
}

fn describe(bytes: &[u8]) -> wasmparser::Result<ModuleInfo> {
    let mut info = ModuleInfo {
        imports: vec![],
        exports: vec![],
        memories: vec![],
        tables: vec![],
        producers: vec![],
        largest_br_table: 0,
    };
    let mut types: Vec<Option<FuncType>> = Vec::new();
    let mut function_types: Vec<u32> = Vec::new();
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub_type in group?.into_types() {
                        types.push(match sub_type.composite_type.inner {
                            CompositeInnerType::Func(func) => Some(func),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let kind = match import.ty {
                        TypeRef::Func(index) | TypeRef::FuncExact(index) => {
                            function_types.push(index);
                            ExternKind::Function
                        }
                        TypeRef::Table(table) => {
                            info.tables.push(Limits {
                                initial: table.initial,
                                maximum: table.maximum,
                                imported: true,
                            });
                            ExternKind::Table
                        }
                        TypeRef::Memory(memory) => {
                            info.memories.push(Limits {
                                initial: memory.initial,
                                maximum: memory.maximum,
                                imported: true,
                            });
                            ExternKind::Memory
                        }
                        TypeRef::Global(_) => ExternKind::Global,
                        TypeRef::Tag(_) => ExternKind::Tag,
                    };
                    info.imports.push(Import {
                        module: import.module.into(),
                        name: import.name.into(),
                        kind,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for type_index in reader {
                    function_types.push(type_index?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let ty = table?.ty;
                    info.tables.push(Limits { initial: ty.initial, maximum: ty.maximum, imported: false });
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory?;
                    info.memories.push(Limits {
                        initial: memory.initial,
                        maximum: memory.maximum,
                        imported: false,
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    exports.push((export.name.to_owned(), export.kind, export.index));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut operators = body.get_operators_reader()?;
                while !operators.eof() {
                    if let wasmparser::Operator::BrTable { targets } = operators.read()? {
                        info.largest_br_table = info.largest_br_table.max(targets.len() as usize);
                    }
                }
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Producers(fields) = reader.as_known() {
                    for field in fields {
                        let field = field?;
                        let values = field
                            .values
                            .into_iter()
                            .map(|value| value.map(|v| (v.name.to_owned(), v.version.to_owned())))
                            .collect::<wasmparser::Result<_>>()?;
                        info.producers.push((field.name.to_owned(), values));
                    }
                }
            }
            _ => {}
        }
    }
    info.exports = exports
        .into_iter()
        .map(|(name, kind, index)| {
            let kind = match kind {
                ExternalKind::Func | ExternalKind::FuncExact => ExternKind::Function,
                ExternalKind::Table => ExternKind::Table,
                ExternalKind::Memory => ExternKind::Memory,
                ExternalKind::Global => ExternKind::Global,
                ExternalKind::Tag => ExternKind::Tag,
            };
            let signature = (kind == ExternKind::Function)
                .then(|| function_types.get(index as usize).and_then(|&ty| types.get(ty as usize)))
                .flatten()
                .and_then(Option::as_ref)
                .map(|func| Signature { params: func.params().len(), results: func.results().len() });
            Export { name, kind, signature }
        })
        .collect();
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outcome is found again by the digest it was kept under, whatever bytes come with it:
    /// the digest stands for the bytes.
    #[test]
    fn a_known_module_is_inspected_once_per_digest() {
        let empty = b"\0asm\x01\0\0\0";
        let exporting = module_exporting_start();
        assert_eq!(inspect_known(empty, "sha256:a").unwrap().exports.len(), 0);
        assert_eq!(inspect_known(&exporting, "sha256:a").unwrap().exports.len(), 0, "kept for sha256:a");
        assert_eq!(inspect_known(&exporting, "sha256:b").unwrap().exports.len(), 1);
        assert_eq!(inspect_known(b"nope", "sha256:c"), inspect(b"nope"));
    }

    /// `(module (func (export "_start")))`.
    fn module_exporting_start() -> Vec<u8> {
        wat::parse_str(r#"(module (func (export "_start")))"#).unwrap()
    }

    #[test]
    fn a_file_that_is_not_webassembly_says_what_it_looks_like() {
        let not_wasm = |bytes: &[u8]| match inspect(bytes) {
            Err(InspectError::NotWasm { starts, looks_like }) => (starts, looks_like),
            other => panic!("{other:?}"),
        };
        assert_eq!(not_wasm(b"\x89PNG\r\n\x1a\n"), ("89 50 4e 47".into(), Some("a PNG image".into())));
        assert_eq!(not_wasm(b"  {\"kind\": 1}").1.as_deref(), Some("JSON text"));
        assert_eq!(
            not_wasm(b"(module)").1.as_deref(),
            Some("WebAssembly text (WAT): assemble it into a binary first")
        );
        assert_eq!(not_wasm(b"").1.as_deref(), Some("an empty file"));
        assert_eq!(not_wasm(&[0xde, 0xad, 0xbe, 0xef, 0xff]).1, None);
        // The right magic but a broken body is invalid, not "not WebAssembly".
        assert!(matches!(inspect(b"\0asm\x01\0\0\0\x01"), Err(InspectError::Invalid(_))));
    }
}
