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

/// How Traverse's executor treats one import, as the imports table shows it.
pub fn import_status(module: &str, name: &str) -> &'static str {
    match lookup(module, name) {
        Some(entry) if entry.linked => "allowed, linked",
        Some(_) => "whitelisted, not linked: linking fails",
        None => "not in the host ABI: refused",
    }
}

/// What an export means to Traverse's executor (SPEC §8.3), if anything.
pub fn export_role(name: &str) -> Option<&'static str> {
    match name {
        "" => Some("entry, run before _start"),
        "_start" => Some("entry"),
        "_initialize" => Some("initialiser, run when there is no _start"),
        "memory" => Some("memory the host reads and writes"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_linked_unlinked_or_refused() {
        assert_eq!(import_status("wasi_snapshot_preview1", "fd_write"), "allowed, linked");
        assert_eq!(import_status("traverse_host", "capability_id"), "whitelisted, not linked: linking fails");
        assert_eq!(import_status("wasi_snapshot_preview1", "sock_open"), "not in the host ABI: refused");
        assert_eq!(export_role("_start"), Some("entry"));
        assert_eq!(export_role("helper"), None);
    }
}
