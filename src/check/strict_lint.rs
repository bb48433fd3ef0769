//! A strict, advisory lint of request inputs with a full JSON Schema validator: `enum`,
//! `additionalProperties`, `minimum`, `pattern`, formats and the rest that Traverse ignores.
//!
//! Stricter than Traverse on purpose, and only advisory: it runs when Traverse's own subset
//! (`schema_subset`) accepts the input, so every finding reads "Traverse runs this, but the
//! schema says otherwise". It never changes a verdict. Contracts sometimes rely on Traverse's
//! leniency to return structured denials, so a finding is not necessarily a mistake.
//!
//! A pass of its own over a checked [`Report`] ([`Job`]): the page runs it in a worker
//! (`web::linter`), so that `jsonschema` is not in the page's first load; the command line adds
//! its findings to the report ([`add_to`]).

use std::{cell::RefCell, rc::Rc};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::check::{
    Report,
    diagnostic::{Diagnostic, Location},
    kept::Kept,
};

const STRICT: &str = "request.strict_schema";
const UNUSABLE: &str = "request.strict_schema_unusable";

/// What the lint reads of a checked package: the contract's input schema, and each request
/// whose input Traverse's own subset accepts, with that input as Traverse writes it to stdin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub schema: Value,
    /// Request file and input (JSON text).
    pub inputs: Vec<(String, String)>,
}

impl Job {
    /// The job as its worker is sent it.
    pub fn to_message(&self) -> String {
        serde_json::to_string(self).expect("a job serialises")
    }

    /// A job as its worker receives it.
    pub fn from_message(text: &str) -> Result<Self, String> {
        serde_json::from_str(text)
            .map_err(|error| format!("the lint's worker could not read its job: {error}"))
    }

    /// `None` when there is nothing to lint: no contract, or no request it would read.
    pub fn of(report: &Report) -> Option<Self> {
        let contract = report.contract.as_ref()?;
        let inputs: Vec<(String, String)> = report
            .requests
            .iter()
            .filter(|request| !request.diagnostics.iter().any(|d| d.code == "request.input_schema"))
            .filter_map(|request| Some((request.file.clone(), request.stdin.clone()?)))
            .collect();
        (!inputs.is_empty()).then(|| Self { schema: contract.inputs.schema.clone(), inputs })
    }

    pub fn run(&self) -> Vec<Finding> {
        let lint = StrictLint::new(&self.schema);
        self.inputs
            .iter()
            .filter_map(|(file, text)| Some((file, serde_json::from_str::<Value>(text).ok()?)))
            .flat_map(|(file, input)| lint.findings(file, &input))
            .collect()
    }
}

/// The lint's findings added to the requests' diagnostics, as the command line reports them.
pub fn add_to(report: &mut Report) {
    let Some(job) = Job::of(report) else { return };
    for finding in job.run() {
        if let Some(request) = report.requests.iter_mut().find(|request| request.file == finding.file) {
            request.diagnostics.push(finding.diagnostic());
        }
    }
}

/// One finding, as it crosses from the lint's worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub file: String,
    /// Where in the request file, as a JSON path (`$.input.level`).
    pub path: String,
    pub message: String,
    /// The schema itself is not valid JSON Schema, so nothing was linted.
    pub unusable: bool,
}

impl Finding {
    pub fn diagnostic(&self) -> Diagnostic {
        let code = if self.unusable { UNUSABLE } else { STRICT };
        Diagnostic::warning(code, Location::json(&self.file, self.path.clone()), self.message.clone())
    }
}

/// A contract's input schema, compiled once for all of a package's requests.
struct StrictLint {
    validator: Rc<Compiled>,
}

/// A compiled schema, or why it is not valid JSON Schema.
type Compiled = Result<jsonschema::Validator, String>;

/// How many compiled schemas are kept for the next checks.
const KEPT_SCHEMAS: usize = 8;

impl StrictLint {
    /// The schema compiled, or kept from an earlier check of the same schema. Compiling is most
    /// of a package's check in the page: in WebAssembly `jsonschema` compiles its meta-schema
    /// anew for every schema it compiles (natively it keeps one), and has no option to skip
    /// that. A re-check after an edit elsewhere, or of the same package again, reuses it.
    fn new(schema: &Value) -> Self {
        thread_local! {
            static KEPT: RefCell<Kept<Value, Rc<Compiled>, KEPT_SCHEMAS>> = const { RefCell::new(Kept::new()) };
        }
        let validator = KEPT.with_borrow_mut(|kept| {
            kept.get_or_make(schema, || {
                Rc::new(
                    jsonschema::options()
                        .should_validate_formats(true)
                        .build(schema)
                        .map_err(|error| error.to_string()),
                )
            })
        });
        Self { validator }
    }

    /// What the schema says of `input`; `file` is the request file.
    fn findings(&self, file: &str, input: &Value) -> Vec<Finding> {
        let finding = |path: String, message: String, unusable| Finding {
            file: file.to_owned(),
            path,
            message,
            unusable,
        };
        match &*self.validator {
            Ok(validator) => validator
                .iter_errors(input)
                .map(|error| {
                    finding(
                        json_path(error.instance_path().as_str()),
                        format!("stricter than Traverse, which accepts this input: {error}"),
                        false,
                    )
                })
                .collect(),
            Err(error) => vec![finding(
                "$.input".to_owned(),
                format!(
                    "the contract's input schema is not valid JSON Schema, so the strict lint is skipped: {error}"
                ),
                true,
            )],
        }
    }
}

/// `/a/0/b~1c` as `$.input.a[0].b/c`.
fn json_path(pointer: &str) -> String {
    let mut path = "$.input".to_owned();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{segment}]"));
        } else {
            path.push('.');
            path.push_str(&segment);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn findings(input: Value, schema: Value) -> Vec<String> {
        let found = StrictLint::new(&schema).findings("r.json", &input);
        found.iter().map(|finding| finding.diagnostic().location.to_string()).collect()
    }

    #[test]
    fn reports_what_traverse_ignores_at_its_place() {
        let schema = json!({"type": "object", "additionalProperties": false,
            "properties": {"level": {"type": "string", "enum": ["low", "high"]}, "items": {"type": "array", "items": {"minimum": 0}}}});
        assert_eq!(findings(json!({"level": "low", "items": [1, 2]}), schema.clone()), Vec::<String>::new());
        assert_eq!(findings(json!({"level": "mid"}), schema.clone()), ["r.json $.input.level"]);
        assert_eq!(findings(json!({"items": [3, -1]}), schema.clone()), ["r.json $.input.items[1]"]);
        assert_eq!(findings(json!({"extra": 1}), schema), ["r.json $.input"]);
    }

    #[test]
    fn formats_are_checked() {
        let schema =
            json!({"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}});
        assert_eq!(findings(json!({"at": "2026-08-07T22:00:00Z"}), schema.clone()), Vec::<String>::new());
        assert_eq!(findings(json!({"at": "yesterday"}), schema), ["r.json $.input.at"]);
    }

    #[test]
    fn an_unusable_schema_is_said_once() {
        let found = StrictLint::new(&json!({"type": 12})).findings("r.json", &json!({}));
        let codes: Vec<&str> = found.iter().map(|finding| finding.diagnostic().code).collect();
        assert_eq!(codes, ["request.strict_schema_unusable"]);
    }

    /// A schema compiled once is reused while it is among the last few compiled, and the
    /// oldest gives way.
    #[test]
    fn compiled_schemas_are_kept_for_the_next_checks() {
        let schema = |n: usize| json!({"type": "object", "properties": {"n": {"const": n}}});
        let first = StrictLint::new(&schema(0));
        assert!(Rc::ptr_eq(&first.validator, &StrictLint::new(&schema(0)).validator));
        for n in 1..KEPT_SCHEMAS {
            StrictLint::new(&schema(n));
        }
        assert!(
            Rc::ptr_eq(&first.validator, &StrictLint::new(&schema(0)).validator),
            "the latest use keeps it"
        );
        for n in KEPT_SCHEMAS..2 * KEPT_SCHEMAS {
            StrictLint::new(&schema(n));
        }
        assert!(!Rc::ptr_eq(&first.validator, &StrictLint::new(&schema(0)).validator));
        assert_eq!(findings(json!({"n": 0}), schema(0)), Vec::<String>::new());
        assert_eq!(findings(json!({"n": 1}), schema(0)), ["r.json $.input.n"]);
    }

    /// The pass reads exactly the requests the lint used to read inside the check: parsed, and
    /// accepted by Traverse's subset; a finding crosses as data and comes back the same.
    #[test]
    fn the_pass_lints_parsed_requests_the_subset_accepts() {
        use crate::package::PackageFiles;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello-world");
        let mut files = crate::package::disk::read_tree(&root).unwrap();
        let request = |input: Value| {
            let mut request: Value =
                serde_json::from_slice(files.get("runtime-requests/greet-ada.json").unwrap()).unwrap();
            request["input"] = input;
            serde_json::to_vec(&request).unwrap()
        };
        let (extra, wrong_type) = (request(json!({"name": "x", "extra": 1})), request(json!({"name": 7})));
        files.insert("runtime-requests/extra.json", extra);
        files.insert("runtime-requests/wrong-type.json", wrong_type);
        files.insert("runtime-requests/broken.json", b"{".to_vec());
        let mut report =
            crate::check::check_package(&files, "manifest.json", &crate::check::module_info::ReadHere);
        let job = Job::of(&report).unwrap();
        let linted: Vec<&str> = job.inputs.iter().map(|(file, _)| file.as_str()).collect();
        assert!(linted.contains(&"runtime-requests/extra.json"));
        assert!(!linted.contains(&"runtime-requests/wrong-type.json"), "refused by Traverse's subset");
        assert!(!linted.contains(&"runtime-requests/broken.json"), "does not parse");
        let findings = job.run();
        assert_eq!(
            findings.iter().map(|f| (f.file.as_str(), f.path.as_str())).collect::<Vec<_>>(),
            [("runtime-requests/extra.json", "$.input")]
        );
        let crossed: Vec<Finding> = serde_json::from_str(&serde_json::to_string(&findings).unwrap()).unwrap();
        assert_eq!(crossed, findings);
        add_to(&mut report);
        let codes: Vec<&str> = report
            .request("runtime-requests/extra.json")
            .unwrap()
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect();
        assert_eq!(codes, [STRICT]);
        assert_eq!(
            Job::of(&crate::check::check_package(
                &PackageFiles::new(),
                "manifest.json",
                &crate::check::module_info::ReadHere
            )),
            None
        );
    }
}
