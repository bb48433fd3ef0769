//! Compiled modules the worker keeps between runs, so running the same module again skips the
//! fuel rewrite and the compile. Keyed by everything a compile depends on: the mode, the fuel
//! budget the rewrite bakes in, and the SHA-256 of the bytes. A replaced worker starts empty.

use std::collections::VecDeque;

use wasmer::Module;

/// Modules kept; the oldest is dropped first. A playground session switches between a few.
const KEPT: usize = 8;

#[derive(Default)]
pub struct CompiledModules {
    entries: VecDeque<(String, Module)>,
}

impl CompiledModules {
    /// The module kept under `key`, or the one `compile` makes, kept from now on; and whether
    /// it was kept already.
    pub fn get_or_compile(
        &mut self,
        key: String,
        compile: impl FnOnce() -> Result<Module, String>,
    ) -> Result<(Module, bool), String> {
        if let Some((_, module)) = self.entries.iter().find(|(kept, _)| *kept == key) {
            return Ok((module.clone(), true));
        }
        let module = compile()?;
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back((key, module.clone()));
        Ok((module, false))
    }
}
