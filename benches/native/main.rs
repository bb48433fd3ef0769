//! Native figures for `scripts/bench` (not a test): the full check of each example package and
//! of a Traverse-size package ([`traverse_size`], written to `$BENCH_PACKAGE_DIR` when it is set,
//! for the page to check the same bytes), the checks of our composition's set (its tree,
//! registry bundle, application bundle and workflow), and SHA-256 and FNV-1a 64 throughput over
//! 64 MiB. Prints one JSON object.

mod traverse_size;

use std::{hint::black_box, path::Path, time::Instant};

use traverse_playground::{
    check::{self, app_bundle, diagnostic::Severity, module_info::ReadHere, registry_bundle, set},
    package::{PackageFiles, digest, disk, workspace},
};

/// Median and the lowest and highest sample, in milliseconds.
fn summary(mut samples: Vec<f64>) -> serde_json::Value {
    samples.sort_by(f64::total_cmp);
    serde_json::json!({ "median": samples[samples.len() / 2], "min": samples[0], "max": samples[samples.len() - 1] })
}

fn time_ms(repetitions: usize, mut work: impl FnMut()) -> Vec<f64> {
    (0..repetitions)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut checks = serde_json::Map::new();
    let mut names: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().map(|entry| entry.path()).collect();
    names.sort();
    for folder in names.iter().filter(|folder| folder.join("manifest.json").is_file()) {
        let loaded = disk::read_tree(folder).unwrap();
        let files: Vec<(String, Vec<u8>)> =
            loaded.paths().map(|path| (path.to_owned(), loaded.get(path).unwrap().to_vec())).collect();
        // A fresh set each time, so the digests are computed as on a first load.
        let samples = time_ms(200, || {
            let mut fresh = PackageFiles::new();
            for (path, bytes) in &files {
                fresh.insert(path, bytes.clone());
            }
            black_box(check::check_package(&fresh, "manifest.json", &ReadHere));
        });
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        checks.insert(name, summary(samples));
    }
    let large = traverse_size::files();
    if let Some(folder) = std::env::var_os("BENCH_PACKAGE_DIR") {
        for (path, bytes) in &large {
            let path = Path::new(&folder).join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    let fresh_large = || {
        let mut files = PackageFiles::new();
        for (path, bytes) in &large {
            files.insert(path, bytes.clone());
        }
        files
    };
    let report = check::check_package(&fresh_large(), "manifest.json", &ReadHere);
    let errors: Vec<_> = report.diagnostics().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty() && report.module.is_some(), "the Traverse-size package must pass: {errors:?}");
    let traverse_size = summary(time_ms(200, || {
        drop(black_box(check::check_package(&fresh_large(), "manifest.json", &ReadHere)))
    }));
    // Our composition as the page holds a dropped set, fresh each time as on a first load.
    let mut composition = Vec::new();
    for folder in ["authorize", "transition-status", "guarded-transition"] {
        let loaded = disk::read_tree(&root.join(folder)).unwrap();
        for path in loaded.paths().filter(|path| !path.starts_with("target/")) {
            composition.push((format!("{folder}/{path}"), loaded.get(path).unwrap().to_vec()));
        }
    }
    let fresh_set = || {
        let mut files = PackageFiles::new();
        for (path, bytes) in &composition {
            files.insert(path, bytes.clone());
        }
        files
    };
    let mut sets = serde_json::Map::new();
    let bundle = "guarded-transition/registry-bundle/manifest.json";
    let app = "guarded-transition/app/app.manifest.json";
    let workflow = "guarded-transition/workflows/guarded-transition.json";
    sets.insert("set tree".into(), summary(time_ms(200, || drop(black_box(workspace::set(&fresh_set()))))));
    sets.insert(
        "registry bundle".into(),
        summary(time_ms(200, || drop(black_box(registry_bundle::check(&fresh_set(), bundle))))),
    );
    sets.insert(
        "application bundle".into(),
        summary(time_ms(200, || drop(black_box(app_bundle::check(&fresh_set(), app, &ReadHere))))),
    );
    sets.insert(
        "workflow".into(),
        summary(time_ms(200, || drop(black_box(set::check_item(&fresh_set(), workflow, &ReadHere))))),
    );
    let buffer: Vec<u8> = (0..64u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let mib = buffer.len() as f64 / f64::from(1 << 20);
    let throughput = |samples: Vec<f64>| {
        let s = summary(samples);
        serde_json::json!({ "ms": s, "mib_per_s": mib / (s["median"].as_f64().unwrap() / 1e3) })
    };
    let sha256 = throughput(time_ms(5, || drop(black_box(digest::sha256(black_box(&buffer))))));
    let fnv1a64 = throughput(time_ms(5, || drop(black_box(digest::fnv1a64(black_box(&buffer))))));
    println!(
        "{}",
        serde_json::json!({ "checks": checks, "traverse_size": traverse_size, "sets": sets, "sha256": sha256, "fnv1a64": fnv1a64 })
    );
}
