//! The fuel rewrite over valid modules that wasm-smith generates: it must accept every module
//! of the features Traverse's engine compiles (`limits::GOVERNED_FEATURES`) and produce a
//! module that validates, whose exports are the module's own, unchanged, then the rewrite's,
//! none of them a name the module has.
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
    let names = instrument::Exported::of(&bytes).expect("a valid module parses");
    let added = [Some(names.fuel), Some(names.grow_pages), Some(names.table_grow_elements), names.start];
    let original = exports(&bytes);
    let expected: Vec<String> = original.iter().cloned().chain(added.into_iter().flatten()).collect();
    assert_eq!(exports(&rewritten), expected, "the rewrite changed the module's names");
});

/// The module's export names, in order.
fn exports(bytes: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Ok(wasmparser::Payload::ExportSection(reader)) = payload {
            names.extend(reader.into_iter().filter_map(Result::ok).map(|export| export.name.to_owned()));
        }
    }
    names
}
