//! The hello-world example: greets the `name` it reads on stdin.
//!
//! stdin `{"name":"Ada"}` gives stdout `{"greeting":"Hello, Ada!","name":"Ada"}`. Input that is
//! not an object with a string `name` gives a structured denial on stdout, the way Traverse's
//! example guests report bad input, and the entry still returns normally.
#![no_std]

use core::fmt::Write;
use serde::{Deserialize, Serialize};

const INPUT_CAP: usize = 16 * 1024;
const OUTPUT_CAP: usize = 3 * INPUT_CAP;

/// Owned, not borrowed: a name with escapes is unescaped into a new string.
#[derive(Deserialize)]
struct Input {
    name: heapless::String<INPUT_CAP>,
}

#[derive(Serialize)]
struct Greeting<'a> {
    greeting: &'a str,
    name: &'a str,
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    json_answer::serve::<INPUT_CAP, OUTPUT_CAP>(|stdin, output| {
        let mut unescaped = [0u8; INPUT_CAP];
        match serde_json_core::from_slice_escaped::<Input>(stdin, &mut unescaped) {
            Err(_) => json_answer::deny(output, "stdin must be a JSON object with a string `name`"),
            Ok((Input { name }, _)) => {
                let mut greeting = heapless::String::<{ INPUT_CAP + 8 }>::new();
                // Cannot overflow: the name is shorter than the input it came from.
                let _ = write!(greeting, "Hello, {name}!");
                json_answer::write(&Greeting { greeting: &greeting, name: &name }, output)
            }
        }
    });
}
