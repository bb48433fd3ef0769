//! How the package's parts fit together: manifest against contract (SPEC §2.2 step 7), the
//! contract against what the runtime will run (§7.3), and the module against the host ABI and
//! Traverse's limits (§8.2–§8.6).
//!
//! Loading checks only the first group. The others are what `execute` would fail on; Traverse
//! reports every executor failure as one collapsed error (§8.9), so each such diagnostic
//! carries the detailed cause as its message and the collapsed line as its Traverse stop.

use serde_json::{Value, json};

use crate::check::{
    contract::{Contract, FilesystemAccess, HostApiAccess, Lifecycle, NetworkAccess, Target},
    diagnostic::{Diagnostic, Edit, Location, TraverseStop, step},
    host_abi::{self, ABI_VERSION},
    limits::{
        BROWSER_BR_TABLE_TARGETS, MAX_MEMORIES, MAX_TABLES, MEMORY_LIMIT_PAGES, PAGE_BYTES,
        TABLE_ELEMENTS_LIMIT,
    },
    manifest::Manifest,
    module_info::{Entry, ModuleInfo},
};
use crate::sorted;

/// The runtime error every executor failure becomes (SPEC §8.9).
pub const COLLAPSED_EXECUTION_ERROR: &str = "execution failed: registered artifact execution failed";

/// Where Traverse stops on any executor failure: step 10, with the collapsed error.
pub fn collapsed_stop() -> TraverseStop {
    TraverseStop::execute(
        step::EXECUTOR,
        "execution_failed",
        COLLAPSED_EXECUTION_ERROR,
        json!({"code": "execution_failed"}),
    )
}

/// Step 7 of loading: the manifest's reference and constraints against the contract.
pub fn manifest_against_contract(
    manifest_path: &str,
    manifest: &Manifest,
    contract: &Contract,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let at = |path: &str| Location::json(manifest_path, path);
    let reference = &manifest.capability_ref;
    if reference.id != contract.id || reference.version != contract.version {
        found.push(
            Diagnostic::error(
                "linkage.capability_ref",
                at("$.capability_ref"),
                format!(
                    "capability_ref names {}@{}, but the contract is {}@{}",
                    reference.id, reference.version, contract.id, contract.version
                ),
            )
            .stops(TraverseStop::load(format!(
                "capability package capability_ref {}@{} does not match contract {}@{}",
                reference.id, reference.version, contract.id, contract.version
            )))
            .fixed_by(vec![
                Edit::set("$.capability_ref.id", &Value::from(contract.id.as_str())),
                Edit::set("$.capability_ref.version", &Value::from(contract.version.as_str())),
            ]),
        );
    }
    if contract.execution.entrypoint.command != "run" {
        found.push(
            Diagnostic::error(
                "linkage.entrypoint",
                at("$.capability_ref.contract_path"),
                format!(
                    "the contract's execution.entrypoint.command is {:?}; packages run the wasi-command `run`",
                    contract.execution.entrypoint.command
                ),
            )
            .stops(TraverseStop::load(format!(
                "capability package capability {} must declare a wasi-command entrypoint named run",
                contract.id
            ))),
        );
    }
    let declared = &manifest.constraints;
    let constraints = &contract.execution.constraints;
    let rules = [
        (
            "host_api_access",
            "none",
            &declared.host_api_access,
            constraints.host_api_access == HostApiAccess::None,
        ),
        (
            "network_access",
            "forbidden",
            &declared.network_access,
            constraints.network_access == NetworkAccess::Forbidden,
        ),
        (
            "filesystem_access",
            "none",
            &declared.filesystem_access,
            constraints.filesystem_access == FilesystemAccess::None,
        ),
    ];
    for (field, required, manifest_value, contract_keeps) in rules {
        if manifest_value != required || !contract_keeps {
            let side = if manifest_value != required {
                format!("the manifest declares {field}={manifest_value:?}")
            } else {
                format!("the contract's execution.constraints.{field} is broader")
            };
            found.push(
                Diagnostic::error(
                    "linkage.constraints",
                    at(&format!("$.constraints.{field}")),
                    format!("{side}; governed packages keep {field}={required} on both sides"),
                )
                .stops(TraverseStop::load(format!(
                    "capability package capability {} must keep {field}={required}",
                    contract.id
                )))
                // The manifest's side only: a contract broader than that is the author's call.
                .fixed_by(if manifest_value != required {
                    vec![Edit::set(format!("$.constraints.{field}"), &Value::from(required))]
                } else {
                    Vec::new()
                }),
            );
        }
    }
    found
}

/// What the runtime checks of the contract before it runs anything (SPEC §7.3 steps 3, 4, 7, 9),
/// for a request that selects this capability.
pub fn contract_runnable(
    contract_file: &str,
    contract_display_path: &str,
    contract: &Contract,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let at = |path: &str| Location::json(contract_file, path);
    let not_runnable = |reason: &str| {
        let rejected = json!({"capability_id": contract.id, "capability_version": contract.version,
                              "reason": reason, "scope": "public"});
        TraverseStop::execute(
            step::REJECT_CANDIDATES,
            "capability_not_runnable",
            "matching capabilities were found but none were runnable locally",
            json!({"rejected_candidates": [rejected]}),
        )
    };
    if !matches!(contract.lifecycle, Lifecycle::Active | Lifecycle::Deprecated) {
        found.push(
            Diagnostic::error(
                "runtime.lifecycle_not_runnable",
                at("$.lifecycle"),
                "only active or deprecated capabilities run (capability_not_runnable, reason lifecycle_not_runnable)",
            )
            .stops(not_runnable("lifecycle_not_runnable")),
        );
    }
    if !contract.execution.preferred_targets.contains(&Target::Local) {
        found.push(
            Diagnostic::error(
                "runtime.not_runnable_locally",
                at("$.execution.preferred_targets"),
                "preferred_targets lacks \"local\", so no executor will run it (capability_not_runnable, reason not_runnable_locally)",
            )
            .stops(not_runnable("not_runnable_locally")),
        );
    }
    if contract_display_path.split('/').any(|segment| segment == "drafts") {
        found.push(
            Diagnostic::error(
                "runtime.draft_artifact",
                Location::file(contract_file),
                format!("the contract lies under a drafts/ folder ({contract_display_path}); drafts are quarantined and never run"),
            )
            .stops(TraverseStop::execute(
                step::DRAFTS,
                "contract_violation",
                "draft artifacts are not executable",
                json!({"violations": [{"violation_code": "draft_artifact_not_executable", "path": contract_display_path,
                    "message": "draft artifacts are quarantined under drafts/ and must not be executable"}]}),
            )),
        );
    }
    for (i, dependency) in contract.dependencies.iter().enumerate() {
        if dependency.artifact_type == crate::check::contract::ArtifactType::Capability {
            found.push(
                Diagnostic::error(
                    "runtime.dependency_unresolved",
                    at(&format!("$.dependencies[{i}]")),
                    format!(
                        "capability dependency {}@{} cannot resolve: a package run registers only the package itself",
                        dependency.id, dependency.version
                    ),
                )
                .stops(TraverseStop::execute(
                    step::DEPENDENCIES,
                    "capability_not_found",
                    "dependency resolution failed before execution",
                    json!({"dependency_id": dependency.id, "required_version": dependency.version}),
                )),
            );
        }
    }
    if contract.permitted_targets.is_empty() {
        found.push(
            Diagnostic::error(
                "runtime.no_permitted_target",
                at("$.permitted_targets"),
                "permitted_targets is empty, so the placement router has nowhere to run it",
            )
            .stops(TraverseStop::execute(
                step::PLACEMENT,
                "placement_unsupported",
                "placement constraints rejected the capability execution request",
                Value::Null,
            )),
        );
    }
    found
}

/// The module against the host ABI and Traverse's limits, in the order the executor meets them.
pub fn module_against_host(binary_file: &str, module: &ModuleInfo) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut imports: Vec<_> = module.imports.iter().collect();
    sorted::sort_by(&mut imports, |a, b| {
        (a.module.as_bytes(), a.name.as_bytes()).cmp(&(b.module.as_bytes(), b.name.as_bytes()))
    });
    let import_at = |module: &str, name: &str| Location::Import {
        file: binary_file.to_owned(),
        module: module.to_owned(),
        name: name.to_owned(),
    };

    for import in &imports {
        if host_abi::lookup(&import.module, &import.name).is_none() {
            found.push(
                Diagnostic::error(
                    "abi.unauthorized_import",
                    import_at(&import.module, &import.name),
                    format!(
                        "unauthorized_host_import: ABI {ABI_VERSION} does not allow import {}::{}",
                        import.module, import.name
                    ),
                )
                .stops(collapsed_stop()),
            );
        }
    }
    for import in &imports {
        if host_abi::lookup(&import.module, &import.name).is_some_and(|entry| !entry.linked) {
            found.push(
                Diagnostic::error(
                    "abi.unlinked_import",
                    import_at(&import.module, &import.name),
                    format!(
                        "runtime setup failed: module link: unknown import: `{}::{}` has not been defined \
                         (whitelisted in ABI {ABI_VERSION}, but Traverse's executor does not provide it)",
                        import.module, import.name
                    ),
                )
                .stops(collapsed_stop()),
            );
        }
    }

    let module_error = |code, message: String| {
        Diagnostic::error(code, Location::file(binary_file), message).stops(collapsed_stop())
    };
    if module.export("_initialize").is_some() && module.export("_start").is_some() {
        found.push(module_error(
            "module.command_and_reactor",
            "runtime setup failed: module link: Program cannot be both a Command and a Reactor".into(),
        ));
    }
    if let Some(signature) = module.entry_export().and_then(|export| export.signature)
        && (signature.params > 0 || signature.results > 0)
    {
        let which = if signature.params > 0 { "parameters" } else { "results" };
        found.push(module_error(
            "module.entry_signature",
            format!("runtime setup failed: typed: type mismatch with {which} (the entry must be () -> ())"),
        ));
    }
    if module.memories.len() > MAX_MEMORIES {
        found.push(module_error(
            "limits.memories",
            format!("resource limit exceeded: {} memories, at most {MAX_MEMORIES}", module.memories.len()),
        ));
    }
    if module.tables.len() > MAX_TABLES {
        found.push(module_error(
            "limits.tables",
            format!("resource limit exceeded: {} tables, at most {MAX_TABLES}", module.tables.len()),
        ));
    }
    for memory in &module.memories {
        if memory.initial > MEMORY_LIMIT_PAGES {
            found.push(module_error(
                "limits.initial_memory",
                format!(
                    "resource exhausted: forcing trap when growing memory to {} bytes ({} initial pages; the limit is {MEMORY_LIMIT_PAGES})",
                    u128::from(memory.initial) * u128::from(PAGE_BYTES),
                    memory.initial
                ),
            ));
        }
    }
    for table in &module.tables {
        if table.initial > TABLE_ELEMENTS_LIMIT {
            found.push(module_error(
                "limits.table_elements",
                format!(
                    "resource exhausted: forcing trap when growing table to {} elements (the limit is {TABLE_ELEMENTS_LIMIT})",
                    table.initial
                ),
            ));
        }
    }
    if module.largest_br_table > BROWSER_BR_TABLE_TARGETS {
        // Not a Traverse problem: Traverse runs it. The page says so before the browser refuses.
        found.push(Diagnostic::warning(
            "module.browser_limit",
            Location::file(binary_file),
            format!(
                "a br_table has {} targets: Traverse's engine runs it, but this browser's compiles at most \
                 {BROWSER_BR_TABLE_TARGETS}, so the page cannot run this module",
                module.largest_br_table
            ),
        ));
    }
    // Not a refusal: Traverse runs the module, whose run does nothing, and fails on what it
    // printed (SPEC §8.3), so a run of it, or a workflow node, ends as that run ends.
    if module.entry() == Entry::None {
        found.push(Diagnostic::error(
            "module.no_entry",
            Location::file(binary_file),
            "the module exports neither \"\" nor _start, so Traverse runs nothing and then fails on empty stdout: \
             output deserialization failed: stdout is not valid JSON: EOF while parsing a value at line 1 column 0 — raw: ",
        ));
    }
    found
}
