//! Any bytes as a package's binary: the module checks (wasmparser) and, for a module that
//! validates, the fuel rewrite, whose output must validate too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traverse_playground::{
    check::{limits::FUEL_BUDGET, module, module_info::ReadHere},
    run::instrument,
};

fuzz_target!(|data: &[u8]| {
    let _ = module::check("agent.wasm", data, None, &ReadHere);
    if wasmparser::validate(data).is_ok() {
        if let Ok(rewritten) = instrument::instrument(data, FUEL_BUDGET) {
            if let Err(error) = wasmparser::validate(&rewritten) {
                panic!("the rewritten module is invalid: {error}");
            }
        }
    }
});
