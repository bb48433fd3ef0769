//! The fuel rewrite over valid modules that wasm-smith generates: it must accept every module
//! of the features browsers run and produce a module that validates.
#![no_main]

use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use traverse_playground::{instrument, limits::FUEL_BUDGET};

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let Ok(mut config) = input.arbitrary::<wasm_smith::Config>() else { return };
    // The features V8 runs today, where the page runs modules.
    config.gc_enabled = false;
    config.exceptions_enabled = false;
    config.threads_enabled = false;
    config.memory64_enabled = false;
    config.custom_page_sizes_enabled = false;
    config.wide_arithmetic_enabled = false;
    config.shared_everything_threads_enabled = false;
    config.relaxed_simd_enabled = false;
    config.tail_call_enabled = false;
    config.extended_const_enabled = false;
    let Ok(module) = wasm_smith::Module::new(config, &mut input) else { return };
    let bytes = module.to_bytes();
    let rewritten = match instrument::instrument(&bytes, FUEL_BUDGET) {
        Ok(rewritten) => rewritten,
        Err(error) => panic!("a valid module was not rewritten: {error}"),
    };
    if let Err(error) = wasmparser::validate(&rewritten) {
        panic!("the rewritten module is invalid: {error}");
    }
});
