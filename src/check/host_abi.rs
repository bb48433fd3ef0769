//! Traverse host ABI v1 (SPEC §8.1, `host_abi_v1.json`): the import whitelist, and which of the
//! whitelisted functions Traverse's executor actually links.

/// The only ABI version Traverse supports, for manifests and the executor alike.
pub const ABI_VERSION: &str = "1.0.0";

/// One whitelisted import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostImport {
    pub module: &'static str,
    pub name: &'static str,
    /// Whitelisted but not linked: the import check passes and linking then fails.
    pub linked: bool,
}

const fn import(module: &'static str, name: &'static str, linked: bool) -> HostImport {
    HostImport { module, name, linked }
}

pub const WHITELIST: &[HostImport] = &[
    import("wasi_snapshot_preview1", "fd_read", true),
    import("wasi_snapshot_preview1", "fd_write", true),
    import("wasi_snapshot_preview1", "proc_exit", true),
    import("traverse_host", "capability_id", false),
    import("traverse_host", "capability_version", false),
    import("traverse_host", "runtime_config", false),
    import("traverse_host", "trace_context", false),
    import("traverse_host", "execution_id", false),
    import("traverse_host", "emit_event", true),
    import("traverse_host", "connector_invoke", true),
];

/// The whitelist entry for `module::name`, whatever kind of import it is.
pub fn lookup(module: &str, name: &str) -> Option<&'static HostImport> {
    WHITELIST.iter().find(|entry| entry.module == module && entry.name == name)
}

/// How Traverse's executor treats one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// Whitelisted and linked: the module may call it.
    Linked,
    /// Whitelisted but not linked: the import check passes, then linking fails.
    NotLinked,
    /// Not in the host ABI: the import check refuses the module.
    Refused,
}

impl ImportStatus {
    pub fn of(module: &str, name: &str) -> Self {
        match lookup(module, name) {
            Some(entry) if entry.linked => Self::Linked,
            Some(_) => Self::NotLinked,
            None => Self::Refused,
        }
    }

    /// Whether the module runs with this import.
    pub fn runs(self) -> bool {
        self == Self::Linked
    }

    /// As the imports table shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Linked => "allowed, linked",
            Self::NotLinked => "whitelisted, not linked: linking fails",
            Self::Refused => "not in the host ABI: refused",
        }
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
        assert_eq!(ImportStatus::of("wasi_snapshot_preview1", "fd_write"), ImportStatus::Linked);
        assert_eq!(ImportStatus::of("traverse_host", "capability_id"), ImportStatus::NotLinked);
        assert_eq!(ImportStatus::of("wasi_snapshot_preview1", "sock_open"), ImportStatus::Refused);
        assert!(
            ImportStatus::Linked.runs() && !ImportStatus::NotLinked.runs() && !ImportStatus::Refused.runs()
        );
        assert_eq!(export_role("_start"), Some("entry"));
        assert_eq!(export_role("helper"), None);
    }
}
