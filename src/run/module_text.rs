//! A module's text form (WebAssembly text, by wasmprinter), its imports marked with how
//! Traverse's executor treats them. Bounded: a large module gives its first
//! [`MAX_TEXT_BYTES`] of text, said to be cut.

use std::io;

use wasmprinter::Print;

use crate::check::host_abi::ImportStatus;

/// The most text kept; past it the text is cut, and says so.
pub const MAX_TEXT_BYTES: usize = 4 << 20;

/// The text of a module, whole or cut at [`MAX_TEXT_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModuleText {
    pub text: String,
    pub cut: bool,
}

/// The text form of `bytes`, or why there is none (not a module, or one wasmprinter cannot read).
pub fn print(bytes: &[u8]) -> Result<ModuleText, String> {
    let mut out = Bounded { text: String::new(), full: false };
    let printed = wasmprinter::Config::new().print(bytes, &mut out);
    match printed {
        Err(_) if out.full => {}
        Err(error) => return Err(error.to_string()),
        Ok(()) => {}
    }
    Ok(ModuleText { text: mark_imports(&out.text), cut: out.full })
}

/// A writer that stops at [`MAX_TEXT_BYTES`].
struct Bounded {
    text: String,
    full: bool,
}

impl Print for Bounded {
    fn write_str(&mut self, s: &str) -> io::Result<()> {
        if self.text.len() + s.len() > MAX_TEXT_BYTES {
            self.full = true;
            return Err(io::Error::other("the text is cut here"));
        }
        self.text.push_str(s);
        Ok(())
    }
}

/// Each `(import "module" "name" …)` line with its status as a comment.
fn mark_imports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = line.strip_suffix('\n').map_or((line, ""), |body| (body, "\n"));
        out.push_str(body);
        if let Some((module, name)) = import_names(body) {
            out.push_str("  ;; ");
            out.push_str(ImportStatus::of(&module, &name).as_str());
        }
        out.push_str(newline);
    }
    out
}

/// The module and name of an import line; `None` for any other line or names with escapes.
fn import_names(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix("(import \"")?;
    let (module, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(" \"")?;
    let (name, _) = rest.split_once('"')?;
    (!module.contains('\\') && !name.contains('\\')).then(|| (module.to_owned(), name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_marked_by_their_status() {
        let module = wat::parse_str(
            r#"(module
                 (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
                 (import "traverse_host" "capability_id" (func))
                 (import "env" "abort" (func))
                 (func (export "_start")))"#,
        )
        .unwrap();
        let printed = print(&module).unwrap();
        assert!(!printed.cut);
        let imports: Vec<&str> = printed.text.lines().filter(|line| line.contains("(import ")).collect();
        assert_eq!(imports.len(), 3);
        assert!(imports[0].ends_with(";; allowed, linked"), "{}", imports[0]);
        assert!(imports[1].ends_with(";; whitelisted, not linked: linking fails"), "{}", imports[1]);
        assert!(imports[2].ends_with(";; not in the host ABI: refused"), "{}", imports[2]);
        assert!(printed.text.contains("(export \"_start\" (func"));
    }

    #[test]
    fn a_large_module_is_cut_and_not_a_module_is_named() {
        let body = "(func (result i32) i32.const 1)".repeat(150_000);
        let module = wat::parse_str(format!("(module {body})")).unwrap();
        let printed = print(&module).unwrap();
        assert!(printed.cut);
        assert!(printed.text.len() <= MAX_TEXT_BYTES);
        assert!(print(b"not wasm").is_err());
    }
}
