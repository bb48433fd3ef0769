//! The problems of the open file, as its editor shows them: a JSON file's parse error where it
//! is, then every diagnostic located in the file, each at its place when it has one, with its
//! quick fix; the gutter's line numbers with the lines that have one marked; and where a quick
//! fix's edits go, so the editor can type them (its undo then takes them back as one step).

use crate::{
    check::diagnostic::{Diagnostic, Edit, Severity},
    package::json_path,
    present::position::{self, Position},
};

/// One problem of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// Where it is, when the file's text says (a diagnostic of the whole file has none).
    pub position: Option<Position>,
    /// The diagnostic's code, or `json` for a parse error.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub fix: Vec<Edit>,
}

/// The problems of the file at `path` holding `text`: its JSON parse error (a `.json` file),
/// then those of `diagnostics` located in it, in their order.
pub fn problems<'a>(
    path: &str,
    text: &str,
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
) -> Vec<FileProblem> {
    let mut found = Vec::new();
    if path.ends_with(".json")
        && let Some((position, message)) = position::json_error(text)
    {
        found.push(FileProblem {
            position: Some(position),
            code: "json".to_owned(),
            severity: Severity::Error,
            message,
            fix: Vec::new(),
        });
    }
    found.extend(diagnostics.filter(|diagnostic| diagnostic.location.in_file() == path).map(|diagnostic| {
        FileProblem {
            position: position::of_location(text, &diagnostic.location),
            code: diagnostic.code.to_owned(),
            severity: diagnostic.severity,
            message: diagnostic.message.clone(),
            fix: diagnostic.fix.clone(),
        }
    }));
    found
}

/// What a quick fix does, in a few words (its edits' labels); `None` when there is none.
pub fn fix_label(fix: &[Edit]) -> Option<String> {
    (!fix.is_empty()).then(|| fix.iter().map(Edit::label).collect::<Vec<_>>().join(", "))
}

/// The gutter beside `text`: a number per line, `●` before those with a problem.
pub fn gutter(text: &str, problems: &[FileProblem]) -> String {
    let lines = text.lines().count().max(1) + usize::from(text.ends_with('\n'));
    let marked: Vec<usize> = problems.iter().filter_map(|problem| Some(problem.position?.line)).collect();
    (1..=lines)
        .map(|line| if marked.contains(&line) { format!("● {line}") } else { line.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where each edit of a quick fix is typed in `text`, and what: from the last place to the
/// first, so each is still where it was found when typed; `None` when the text has changed so
/// that one is no longer there.
pub fn fix_places<'e>(text: &str, edits: &'e [Edit]) -> Option<Vec<(Position, &'e str)>> {
    let places = json_path::places(text, &parts(edits))?;
    Some(
        places.into_iter().map(|((start, end), json)| (position::of_range(text, start, end), json)).collect(),
    )
}

/// `text` with a quick fix's edits made at once (a file too large for the editor); `None` when
/// one is no longer there.
pub fn apply_fix(text: &str, edits: &[Edit]) -> Option<String> {
    json_path::apply(text, &parts(edits))
}

fn parts(edits: &[Edit]) -> Vec<(&str, json_path::Part, &str)> {
    edits.iter().map(|edit| (edit.path.as_str(), edit.part, edit.json.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check::diagnostic::Location, package::json_path::Part};

    /// A fix that renames a key types the new name over the old one, not over its value: the
    /// Fix of a misnamed field (`workflow_refs`) once wrote the new name as the value.
    #[test]
    fn a_key_fix_is_typed_over_the_key() {
        let text = "{\n  \"workflow_refs\": [\"a\"]\n}";
        let rename =
            Edit { path: "$.workflow_refs".into(), part: Part::Key, json: "\"known_compositions\"".into() };
        assert_eq!(rename.label(), "rename $.workflow_refs to \"known_compositions\"");
        let places = fix_places(text, std::slice::from_ref(&rename)).unwrap();
        assert_eq!(places.len(), 1);
        let (position, json) = places[0];
        assert_eq!((position.line, position.column, json), (2, 3, "\"known_compositions\""));
        assert_eq!(&text[position.utf16_start..position.utf16_end], "\"workflow_refs\"");
        let value = Edit { part: Part::Value, ..rename };
        let (position, _) = fix_places(text, std::slice::from_ref(&value)).unwrap()[0];
        assert_eq!(&text[position.utf16_start..position.utf16_end], "[\"a\"]");
        assert_eq!(fix_places("{}", &[value]), None);
    }

    #[test]
    fn the_files_problems_are_its_parse_error_and_its_diagnostics_at_their_lines() {
        let here = Diagnostic::error("x.code", Location::json("m.json", "$.a"), "about a");
        let elsewhere = Diagnostic::error("y.code", Location::json("other.json", "$.a"), "not here");
        let text = "{\n  \"a\": 1\n}";
        let found = problems("m.json", text, [&here, &elsewhere].into_iter());
        assert_eq!(found.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["x.code"]);
        assert_eq!(found[0].position.unwrap().line, 2);
        assert_eq!(gutter(text, &found), "1\n● 2\n3");
        // A file that does not parse: its error first, at its line.
        let broken = "{\n  \"a\": 1,\n}";
        let found = problems("m.json", broken, [&here].into_iter());
        assert_eq!(found[0].code, "json");
        assert_eq!(found[0].position.unwrap().line, 3, "{:?}", found[0]);
        assert_eq!(gutter("", &[]), "1");
    }
}
