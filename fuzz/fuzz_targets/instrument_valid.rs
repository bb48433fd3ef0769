//! The fuel rewrite over valid modules that wasm-smith generates: it must accept every module
//! of the features Traverse's engine compiles (`limits::GOVERNED_FEATURES`) and produce a
//! module that validates.
#![no_main]

use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use traverse_playground::{
    check::limits::{FUEL_BUDGET, GOVERNED_FEATURES},
    run::instrument,
};

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let Ok(mut config) = input.arbitrary::<wasm_smith::Config>() else { return };
    // What Traverse's engine compiles (limits::GOVERNED_FEATURES), which V8 runs too.
    config.gc_enabled = false;
    config.exceptions_enabled = false;
    config.threads_enabled = false;
    config.custom_page_sizes_enabled = false;
    config.wide_arithmetic_enabled = false;
    config.shared_everything_threads_enabled = false;
    let Ok(module) = wasm_smith::Module::new(config, &mut input) else { return };
    let bytes = module.to_bytes();
    let rewritten = match instrument::instrument(&bytes, FUEL_BUDGET) {
        Ok(rewritten) => rewritten,
        Err(error) => panic!("a valid module was not rewritten: {error}"),
    };
    if let Err(error) = wasmparser::Validator::new_with_features(GOVERNED_FEATURES).validate_all(&rewritten) {
        panic!("the rewritten module is invalid: {error}");
    }
});
