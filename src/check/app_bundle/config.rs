//! An application's effective configuration (WORKFLOWS.md §10.2): `default_config` with the
//! workspace-local overrides of `workspace_defaults.config_path` (a file beside the manifest,
//! optional) laid over it, each override declared, overrideable and of its declared type; the
//! secrets' keys only, never their values.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{AppError, has_text};
use crate::{check::diagnostic::Location, package::PackageFiles, package::resolve, sorted};

/// Fields a workspace may never override: they make the application what it is.
const IMMUTABLE: [&str; 9] = [
    "app_id",
    "version",
    "schema_version",
    "components",
    "workflows",
    "model_dependencies",
    "component_id",
    "capability_id",
    "capability_version",
];

/// The configuration an application runs with, as `app validate` prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveConfig {
    pub values: Value,
    pub redacted_secret_keys: Vec<String>,
}

impl EffectiveConfig {
    pub fn evidence(&self) -> Value {
        json!({"values": self.values, "redacted_secret_keys": self.redacted_secret_keys})
    }
}

/// The workspace-local file; traverse-registry's type name, as its parse errors say it.
#[derive(Debug, Deserialize)]
#[serde(rename = "WorkspaceLocalConfigSerde")]
struct WorkspaceConfig {
    #[serde(default)]
    overrides: Value,
    #[serde(default)]
    secrets: Value,
}

/// What the manifest says of its configuration.
pub struct Declared<'a> {
    pub workspace_defaults: &'a Value,
    pub config_schema: &'a Value,
    pub default_config: &'a Value,
}

/// The effective configuration, or Traverse's first problem with it.
pub fn effective(
    files: &PackageFiles,
    manifest_path: &str,
    declared: &Declared,
) -> Result<EffectiveConfig, Box<AppError>> {
    let (workspace, file) = workspace_config(files, manifest_path, declared.workspace_defaults)?;
    // What the workspace's file says is shown in that file (there is no other source of it).
    let in_file = |error: AppError, at: &str| error.shown_at(Location::json(&file, at));
    for (part, value) in [("overrides", &workspace.overrides), ("secrets", &workspace.secrets)] {
        let Some(object) = value.as_object() else { continue };
        if let Some(field) = IMMUTABLE.iter().find(|field| object.contains_key(**field)) {
            let error = AppError::new(
                "app_config_immutable_override",
                format!("$.overrides.{field}"),
                format!("workspace-local config cannot override immutable manifest field {field}"),
            );
            return Err(in_file(error, &format!("$.{part}.{field}")).into());
        }
    }
    let invalid =
        |path: &str, message: &str| in_file(AppError::new("app_config_invalid", path, message), path);
    let overrides = workspace
        .overrides
        .as_object()
        .ok_or_else(|| invalid("$.overrides", "workspace-local config overrides must be an object"))?;
    let secrets = workspace
        .secrets
        .as_object()
        .ok_or_else(|| invalid("$.secrets", "workspace-local config secrets must be an object"))?;
    let mut values = declared.default_config.clone();
    let Value::Object(values_object) = &mut values else {
        return Err(AppError::new(
            "app_config_invalid",
            "$.default_config",
            "application default_config must be an object",
        )
        .into());
    };
    for (key, value) in overrides {
        check_override(key, value, declared.config_schema)
            .map_err(|error| in_file(*error, &format!("$.overrides.{key}")))?;
        values_object.insert(key.clone(), value.clone());
    }
    check_required(values_object, declared.config_schema, manifest_path)?;
    let mut redacted_secret_keys: Vec<String> = secrets.keys().cloned().collect();
    sorted::sort(&mut redacted_secret_keys);
    Ok(EffectiveConfig { values, redacted_secret_keys })
}

/// The file `workspace_defaults.config_path` names, and its key; none is no overrides.
fn workspace_config(
    files: &PackageFiles,
    manifest_path: &str,
    workspace_defaults: &Value,
) -> Result<(WorkspaceConfig, String), Box<AppError>> {
    let none = || (WorkspaceConfig { overrides: json!({}), secrets: json!({}) }, String::new());
    let Some(config_path) =
        workspace_defaults.get("config_path").and_then(Value::as_str).filter(|p| has_text(p))
    else {
        return Ok(none());
    };
    let resolved = resolve(manifest_path, config_path);
    let Some(bytes) = files.get(&resolved.key) else { return Ok(none()) };
    let path = &resolved.display;
    let failed = |message: String| {
        AppError::new("app_config_invalid", path.clone(), message).shown_at(Location::file(&resolved.key))
    };
    let text = std::str::from_utf8(bytes).map_err(|_| {
        failed(format!("failed to read workspace-local config {path}: stream did not contain valid UTF-8"))
    })?;
    let config = serde_json::from_str(text)
        .map_err(|error| failed(format!("failed to parse workspace-local config {path}: {error}")))?;
    Ok((config, resolved.key.clone()))
}

fn check_override(key: &str, value: &Value, schema: &Value) -> Result<(), Box<AppError>> {
    let path = format!("$.overrides.{key}");
    let property =
        schema.get("properties").and_then(Value::as_object).and_then(|p| p.get(key)).ok_or_else(|| {
            AppError::new(
                "app_config_invalid",
                path.clone(),
                format!("workspace-local config override {key} is not declared by config_schema"),
            )
        })?;
    let overrideable = property
        .get("x-traverse-overrideable")
        .or_else(|| property.get("overrideable"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !overrideable {
        return Err(AppError::new(
            "app_config_immutable_override",
            path,
            format!("workspace-local config override {key} is not declared overrideable"),
        )
        .into());
    }
    let Some(expected) = property.get("type").and_then(Value::as_str) else { return Ok(()) };
    let valid = match expected {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => true,
    };
    if valid {
        Ok(())
    } else {
        Err(AppError::new(
            "app_config_invalid",
            path,
            format!("workspace-local config override {key} does not match declared schema type {expected}"),
        )
        .into())
    }
}

fn check_required(
    values: &Map<String, Value>,
    schema: &Value,
    manifest_path: &str,
) -> Result<(), Box<AppError>> {
    let required = schema.get("required").and_then(Value::as_array).into_iter().flatten();
    match required.filter_map(Value::as_str).find(|key| !values.contains_key(*key)) {
        None => Ok(()),
        Some(key) => Err(AppError::new(
            "app_config_invalid",
            format!("$.effective_config.{key}"),
            format!("required application config value {key} is missing"),
        )
        .shown_at(Location::json(manifest_path, "$.default_config"))
        .into()),
    }
}
