//! `wat2wasm <out-dir> <file.wat>...`: each `name.wat` becomes `<out-dir>/name.wasm`.

use std::{path::Path, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out_dir, inputs)) = args.split_first() else {
        eprintln!("usage: wat2wasm <out-dir> <file.wat>...");
        return ExitCode::from(2);
    };
    for input in inputs {
        let path = Path::new(input);
        let built = wat::parse_file(path).map_err(|error| error.to_string()).and_then(|bytes| {
            let name = path.file_stem().ok_or("no file name")?;
            let out = Path::new(out_dir).join(name).with_extension("wasm");
            std::fs::write(out, bytes).map_err(|error| error.to_string())
        });
        if let Err(error) = built {
            eprintln!("{input}: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
