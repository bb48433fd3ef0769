//! A new package started in the page from the template (`templates/executable-capability-package`),
//! as `scripts/new-package` starts one on disk: the manifest, the contract, a first request and
//! the source skeleton, with the template's `replace-me` names filled in from a short form.

use serde_json::Value;

use crate::package::{PackageFiles, json_path};

const MANIFEST: &str = include_str!("../../templates/executable-capability-package/manifest.json");
const CONTRACT: &str = include_str!("../../templates/executable-capability-package/contract.json");
const REQUEST: &str =
    include_str!("../../templates/executable-capability-package/runtime-requests/replace-me.json");
const SOURCE: &str = include_str!("../../templates/executable-capability-package/src/lib.rs");
/// What building needs, so that the downloaded package builds on its own.
const BUILD_FILES: [(&str, &str); 4] = [
    ("src/boundary.rs", include_str!("../../templates/executable-capability-package/src/boundary.rs")),
    ("Cargo.toml", include_str!("../../templates/executable-capability-package/Cargo.toml")),
    ("Cargo.lock", include_str!("../../templates/executable-capability-package/Cargo.lock")),
    ("build.sh", include_str!("../../templates/executable-capability-package/build.sh")),
];
const BINARY: &[u8] =
    include_bytes!("../../templates/executable-capability-package/artifacts/replace-me.wasm");

/// The template's own names, which the form replaces, longest first.
const TEMPLATE_ID: &str = "example.domain.replace-me";
const TEMPLATE_NAMESPACE: &str = "example.domain";
const TEMPLATE_NAME: &str = "replace-me";

/// What the form asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPackage {
    /// `<namespace>.<name>`, lowercase kebab-case segments: the package's and the capability's id.
    pub id: String,
    /// The package's version.
    pub version: String,
    /// The capability's (the contract's) version.
    pub capability_version: String,
    /// One sentence: what the package does.
    pub summary: String,
}

/// The files of the new package, by path, or what is wrong with the form.
pub fn files(form: &NewPackage) -> Result<Vec<(String, Vec<u8>)>, String> {
    let (namespace, name) = split_id(&form.id)?;
    for (field, version) in [("version", &form.version), ("capability version", &form.capability_version)] {
        semver::Version::parse(version)
            .map_err(|error| format!("the {field} {version:?} is not a semantic version: {error}"))?;
    }
    let named = |text: &str| {
        substitute_once(
            text,
            &[(TEMPLATE_ID, &form.id), (TEMPLATE_NAMESPACE, namespace), (TEMPLATE_NAME, name)],
        )
    };
    let set = |text: String, edits: &[(&str, &str)]| {
        let edits: Vec<(&str, String)> =
            edits.iter().map(|(path, value)| (*path, Value::from(*value).to_string())).collect();
        let pairs: Vec<_> =
            edits.iter().map(|(path, json)| (*path, json_path::Part::Value, json.as_str())).collect();
        json_path::apply(&text, &pairs).expect("the template has every field the form sets")
    };
    let summary = form.summary.trim();
    let manifest = set(
        named(MANIFEST),
        &[
            ("$.version", &form.version),
            ("$.capability_ref.version", &form.capability_version),
            ("$.summary", summary),
        ],
    );
    let contract = set(named(CONTRACT), &[("$.version", &form.capability_version), ("$.summary", summary)]);
    let request = set(named(REQUEST), &[("$.intent.capability_version", &form.capability_version)]);
    let mut files = vec![
        ("manifest.json".to_owned(), manifest.into_bytes()),
        ("contract.json".to_owned(), contract.into_bytes()),
        (format!("runtime-requests/{name}.json"), request.into_bytes()),
        ("src/lib.rs".to_owned(), named(SOURCE).into_bytes()),
    ];
    files.extend(BUILD_FILES.iter().map(|(path, text)| ((*path).to_owned(), named(text).into_bytes())));
    Ok(files)
}

/// The template exactly as shipped, its built module included: a whole package of every kind of
/// file a check reads, which the page checks once while idle so that the check's code is
/// compiled before the first package arrives (`web::ui::app`).
pub fn shipped() -> PackageFiles {
    let mut files = PackageFiles::new();
    for (path, bytes) in [
        ("manifest.json", MANIFEST.as_bytes()),
        ("contract.json", CONTRACT.as_bytes()),
        ("runtime-requests/replace-me.json", REQUEST.as_bytes()),
        ("src/lib.rs", SOURCE.as_bytes()),
        ("artifacts/replace-me.wasm", BINARY),
    ] {
        files.insert(path, bytes);
    }
    files
}

/// `text` with each placeholder replaced by its value in one pass from left to right, the first
/// listed winning where several start at the same place: a value is never searched again, so
/// `example.domain.orders.total` does not become `example.domain.orders.orders.total` when the
/// namespace placeholder is replaced after the id's.
fn substitute_once(text: &str, replacements: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(next) = rest.chars().next() {
        match replacements.iter().find(|(placeholder, _)| rest.starts_with(placeholder)) {
            Some((placeholder, value)) => {
                out.push_str(value);
                rest = &rest[placeholder.len()..];
            }
            None => {
                out.push(next);
                rest = &rest[next.len_utf8()..];
            }
        }
    }
    out
}

/// `<namespace>.<name>` as scripts/new-package takes it.
fn split_id(id: &str) -> Result<(&str, &str), String> {
    let kebab = |segment: &str| {
        segment.starts_with(|c: char| c.is_ascii_lowercase())
            && segment.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    match id.rsplit_once('.') {
        Some((namespace, name)) if namespace.split('.').all(kebab) && kebab(name) => Ok((namespace, name)),
        _ => Err(format!(
            "the id {id:?} must be <namespace>.<name> in lowercase kebab-case segments, such as acme.orders.order-total"
        )),
    }
}

/// Whether `value` (an id, a name) still holds the template's placeholder name.
pub fn has_placeholders(value: &str) -> bool {
    value.to_ascii_lowercase().contains(TEMPLATE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(id: &str) -> NewPackage {
        NewPackage {
            id: id.into(),
            version: "0.2.0".into(),
            capability_version: "1.1.0".into(),
            summary: " Echo an order. ".into(),
        }
    }

    #[test]
    fn the_form_names_every_file_and_field() {
        let files = files(&form("acme.orders.order-echo")).unwrap();
        let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "manifest.json",
                "contract.json",
                "runtime-requests/order-echo.json",
                "src/lib.rs",
                "src/boundary.rs",
                "Cargo.toml",
                "Cargo.lock",
                "build.sh"
            ]
        );
        let text = |index: usize| String::from_utf8(files[index].1.clone()).unwrap();
        assert!(text(5).contains("name = \"order-echo\"\n"));
        assert!(text(6).contains("name = \"order-echo\"\n"));
        let json = |index: usize| serde_json::from_slice::<Value>(&files[index].1).unwrap();
        let (manifest, contract, request) = (json(0), json(1), json(2));
        assert_eq!(manifest["package_id"], "acme.orders.order-echo");
        assert_eq!(manifest["version"], "0.2.0");
        assert_eq!(manifest["summary"], "Echo an order.");
        assert_eq!(manifest["capability_ref"]["version"], "1.1.0");
        assert_eq!(manifest["binary"]["path"], "./artifacts/order-echo.wasm");
        assert_eq!(
            (&contract["id"], &contract["namespace"], &contract["name"]),
            (&Value::from("acme.orders.order-echo"), &Value::from("acme.orders"), &Value::from("order-echo"))
        );
        assert_eq!(contract["version"], "1.1.0");
        assert_eq!(request["intent"]["capability_version"], "1.1.0");
        assert_eq!(request["request_id"], "order-echo-001");
        assert!(!files.iter().any(|(_, bytes)| String::from_utf8_lossy(bytes).contains(TEMPLATE_NAME)));
    }

    #[test]
    fn a_value_holding_a_placeholder_is_written_once() {
        // Each id holds what another placeholder of the template looks like.
        for (id, namespace, name) in [
            ("example.domain.orders.total", "example.domain.orders", "total"),
            ("example.domain.replace-me-too", "example.domain", "replace-me-too"),
            ("replace-me.thing", "replace-me", "thing"),
        ] {
            let files = files(&form(id)).unwrap();
            let json = |index: usize| serde_json::from_slice::<Value>(&files[index].1).unwrap();
            let (manifest, contract) = (json(0), json(1));
            assert_eq!(manifest["package_id"], id);
            assert_eq!(manifest["capability_ref"]["id"], id);
            assert_eq!(manifest["binary"]["path"], format!("./artifacts/{name}.wasm"));
            assert_eq!(
                (&contract["id"], &contract["namespace"], &contract["name"]),
                (&id.into(), &namespace.into(), &name.into())
            );
            assert_eq!(files[2].0, format!("runtime-requests/{name}.json"));
        }
    }

    #[test]
    fn a_bad_id_or_version_is_named() {
        assert!(files(&form("Orders")).unwrap_err().contains("must be <namespace>.<name>"));
        assert!(files(&form("acme.Orders")).is_err());
        assert!(files(&form("acme..x")).is_err());
        let bad = NewPackage { version: "one".into(), ..form("acme.x") };
        assert!(files(&bad).unwrap_err().starts_with("the version \"one\" is not a semantic version"));
    }
}
