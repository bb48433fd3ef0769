//! Traverse host ABI v1 (SPEC §8.1, `host_abi_v1.json`): the import whitelist, and which of the
//! whitelisted functions Traverse's executor actually links.

/// The only ABI version Traverse supports, for manifests and the executor alike.
pub const ABI_VERSION: &str = "1.0.0";

/// One whitelisted import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostImport {
    pub module: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    /// Whitelisted but not linked: the import check passes and linking then fails.
    pub linked: bool,
}

const fn import(
    module: &'static str,
    name: &'static str,
    category: &'static str,
    linked: bool,
) -> HostImport {
    HostImport { module, name, category, linked }
}

pub const WHITELIST: &[HostImport] = &[
    import("wasi_snapshot_preview1", "fd_read", "stdio", true),
    import("wasi_snapshot_preview1", "fd_write", "stdio", true),
    import("wasi_snapshot_preview1", "proc_exit", "stdio", true),
    import("traverse_host", "capability_id", "environment_query", false),
    import("traverse_host", "capability_version", "environment_query", false),
    import("traverse_host", "runtime_config", "environment_query", false),
    import("traverse_host", "trace_context", "execution_metadata", false),
    import("traverse_host", "execution_id", "execution_metadata", false),
    import("traverse_host", "emit_event", "event_publish", true),
    import("traverse_host", "connector_invoke", "mediated_connector_invocation", true),
];

/// The whitelist entry for `module::name`, whatever kind of import it is.
pub fn lookup(module: &str, name: &str) -> Option<&'static HostImport> {
    WHITELIST.iter().find(|entry| entry.module == module && entry.name == name)
}
