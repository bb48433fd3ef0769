//! A trap as the browser's engine words it, retold in wasmtime's words, so the page says what
//! Traverse's executor would (`wasm trap: integer overflow`) with the browser's own message
//! beside it. The runner's JavaScript stack that wasmer appends is left out: it is ours, not
//! the module's.

/// A fragment of V8's message and wasmtime's name for the same trap, most specific first.
const WASMTIME_WORDS: [(&str, &str); 13] = [
    ("Maximum call stack size exceeded", "call stack exhausted"),
    ("divide result unrepresentable", "integer overflow"),
    ("divide by zero", "integer divide by zero"),
    ("remainder by zero", "integer divide by zero"),
    ("float unrepresentable in integer range", "invalid conversion to integer"),
    ("memory access out of bounds", "out of bounds memory access"),
    ("data segment", "out of bounds memory access"),
    ("table index is out of bounds", "undefined element: out of bounds table access"),
    ("null function", "uninitialized element"),
    ("function signature mismatch", "indirect call type mismatch"),
    ("unreachable", "wasm `unreachable` instruction executed"),
    ("does not support unaligned accesses", "unaligned atomic"),
    // A module that runs has no shared memory (execution::instantiation_failure), so every
    // wait it makes is on an ordinary memory.
    ("Atomics.wait cannot be called", "atomic wait on non-shared memory"),
];

/// The engine's trap `message` (wasmer's `js: …` or `user: …` text) in wasmtime's words, or its
/// first line as it is when wasmtime has no name for it (our host functions' own traps).
pub fn in_wasmtime_words(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    let first = first.strip_prefix("js: ").or_else(|| first.strip_prefix("user: ")).unwrap_or(first);
    match WASMTIME_WORDS.iter().find(|(v8, _)| first.contains(v8)) {
        Some((_, wasmtime)) => format!("wasm trap: {wasmtime} (the browser says: {first})"),
        None => first.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_v8_trap_gets_wasmtimes_name() {
        let cases = [
            (
                "js: unreachable\nRuntimeError: unreachable\n    at spin (wasm://…)",
                "wasm `unreachable` instruction executed",
            ),
            ("js: Maximum call stack size exceeded\nRangeError: …", "call stack exhausted"),
            ("js: divide by zero", "integer divide by zero"),
            ("js: remainder by zero", "integer divide by zero"),
            ("js: divide result unrepresentable", "integer overflow"),
            ("js: float unrepresentable in integer range", "invalid conversion to integer"),
            ("js: memory access out of bounds", "out of bounds memory access"),
            (
                "js: WebAssembly.Instance(): data segment 0 is out of bounds (offset 65535)",
                "out of bounds memory access",
            ),
            ("js: null function", "uninitialized element"),
            ("js: function signature mismatch", "indirect call type mismatch"),
            ("js: table index is out of bounds", "undefined element: out of bounds table access"),
            ("js: operation does not support unaligned accesses", "unaligned atomic"),
            ("js: Atomics.wait cannot be called in this context", "atomic wait on non-shared memory"),
        ];
        for (v8, wasmtime) in cases {
            let first = v8.lines().next().unwrap().trim_start_matches("js: ");
            assert_eq!(in_wasmtime_words(v8), format!("wasm trap: {wasmtime} (the browser says: {first})"));
        }
    }

    #[test]
    fn our_host_traps_keep_their_words() {
        assert_eq!(in_wasmtime_words("user: pointer out of bounds\nundefined"), "pointer out of bounds");
        assert_eq!(in_wasmtime_words(""), "");
    }
}
