//! `traverse_host::{emit_event, connector_invoke}` with Traverse's argument checks and return
//! codes, in Traverse's order (SPEC §8.7, §8.8). A package run has no connector context, so a
//! well-formed connector call always answers −2 (unbound).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::GuestMemory;
use crate::check::{
    contract::{Contract, ServiceType},
    host_abi::ABI_VERSION,
    limits::HOST_CALL_CAP_BYTES,
};

/// What the host knows of the capability, from its contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPolicy {
    /// Only subscribable capabilities may emit.
    pub subscribable: bool,
    /// The contract's `emits`, as (event_id, version).
    pub emits: Vec<(String, String)>,
}

impl EventPolicy {
    /// What the host tells `emit_event` about the capability; without a contract nothing may
    /// emit.
    pub fn of(contract: Option<&Contract>) -> Self {
        contract.map_or_else(Self::default, |contract| Self {
            subscribable: contract.service_type == ServiceType::Subscribable,
            emits: contract.emits.iter().map(|e| (e.event_id.clone(), e.version.clone())).collect(),
        })
    }
}

/// An event `emit_event` accepted; Traverse publishes it only after a successful run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmittedEvent {
    pub event_id: String,
    pub version: String,
    /// The guest's `payload`, or `{}` when it gave none.
    pub data: Value,
}

/// The events `emit_event` accepted in one run, kept up to the playground's bound: a module
/// may emit for as long as its fuel lasts, and a tab holds only so much.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accepted {
    pub events: Vec<EmittedEvent>,
    /// The payload bytes read for the events kept.
    pub bytes: usize,
    /// Events accepted (the guest was told 0) but not kept.
    pub dropped: u64,
    /// Events the contract does not declare that the guest tried to emit (it was told −2, or −3
    /// when the capability emits nothing), as `event_id@version`, the first few.
    pub undeclared: Vec<String>,
}

/// The most undeclared events one run remembers: one is enough to name the bug.
pub const MAX_KEPT_UNDECLARED: usize = 16;

/// The most events, and event bytes, one run keeps.
pub const MAX_KEPT_EVENTS: usize = 1_000;
pub const MAX_KEPT_EVENT_BYTES: usize = 16 << 20;

pub const EMIT_ACCEPTED: i32 = 0;
pub const EMIT_INVALID: i32 = -1;
pub const EMIT_UNDECLARED: i32 = -2;
pub const EMIT_NOT_SUBSCRIBABLE: i32 = -3;
pub const CONNECTOR_INVALID_REQUEST: i32 = -1;
pub const CONNECTOR_UNBOUND: i32 = -2;

/// Key fragments that mark a connector payload as carrying host-private data (case-insensitive).
const HOST_PRIVATE_KEY_PARTS: &[&str] =
    &["config", "credential", "secret", "password", "path", "device", "endpoint", "bucket"];

/// `emit_event(ptr, len) -> i32`. `memory` is `None` when the module exports no memory.
pub fn emit_event(
    policy: &EventPolicy,
    memory: Option<&impl GuestMemory>,
    ptr: i32,
    len: i32,
    accepted: &mut Accepted,
) -> i32 {
    let mut undeclared = |event: Option<&Value>, code| {
        let name = |field: &str| event.and_then(|event| event.get(field)?.as_str()).unwrap_or("?").to_owned();
        if accepted.undeclared.len() < MAX_KEPT_UNDECLARED {
            accepted.undeclared.push(format!("{}@{}", name("event_id"), name("version")));
        }
        code
    };
    if !policy.subscribable {
        let event = read_json(memory, ptr, len);
        return undeclared(event.as_ref(), EMIT_NOT_SUBSCRIBABLE);
    }
    let Some(event) = read_json(memory, ptr, len) else { return EMIT_INVALID };
    let field = |name: &str| event.get(name).and_then(Value::as_str).map(str::to_owned);
    let (Some(event_id), Some(version)) = (field("event_id"), field("version")) else {
        return EMIT_INVALID;
    };
    if !policy.emits.iter().any(|(id, v)| *id == event_id && *v == version) {
        return undeclared(Some(&event), EMIT_UNDECLARED);
    }
    if accepted.events.len() >= MAX_KEPT_EVENTS || accepted.bytes + len as usize > MAX_KEPT_EVENT_BYTES {
        accepted.dropped += 1;
        return EMIT_ACCEPTED;
    }
    let data = event.get("payload").cloned().unwrap_or_else(|| Value::Object(Default::default()));
    accepted.bytes += len as usize;
    accepted.events.push(EmittedEvent { event_id, version, data });
    EMIT_ACCEPTED
}

/// `connector_invoke(req_ptr, req_len, resp_ptr, resp_cap) -> i32`; nothing is written back.
pub fn connector_invoke(
    memory: Option<&impl GuestMemory>,
    req_ptr: i32,
    req_len: i32,
    resp_ptr: i32,
    resp_cap: i32,
) -> i32 {
    if resp_ptr < 0 || !(0..=HOST_CALL_CAP_BYTES).contains(&resp_cap) {
        return CONNECTOR_INVALID_REQUEST;
    }
    let Some(request) = read_json(memory, req_ptr, req_len) else { return CONNECTOR_INVALID_REQUEST };
    let text = |name: &str| request.get(name).and_then(Value::as_str);
    let well_formed = text("abi_version") == Some(ABI_VERSION)
        && text("connector_id").is_some_and(|id| !id.is_empty())
        && text("operation").is_some_and(|op| !op.is_empty())
        && request.get("payload").is_some();
    if !well_formed || request.get("payload").is_some_and(carries_host_private_data) {
        return CONNECTOR_INVALID_REQUEST;
    }
    CONNECTOR_UNBOUND
}

/// The JSON at `ptr..ptr + len`, if the arguments are in range and the bytes parse.
fn read_json(memory: Option<&impl GuestMemory>, ptr: i32, len: i32) -> Option<Value> {
    if ptr < 0 || !(0..=HOST_CALL_CAP_BYTES).contains(&len) {
        return None;
    }
    let bytes = memory?.read(ptr as u32, len as u32)?;
    serde_json::from_slice(&bytes).ok()
}

fn carries_host_private_data(value: &Value) -> bool {
    match value {
        Value::String(text) => text.starts_with('/') || text.contains("://"),
        Value::Array(items) => items.iter().any(carries_host_private_data),
        Value::Object(map) => map.iter().any(|(key, item)| {
            let key = key.to_lowercase();
            HOST_PRIVATE_KEY_PARTS.iter().any(|part| key.contains(part)) || carries_host_private_data(item)
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn memory_with(json: &Value) -> (Vec<u8>, i32) {
        let bytes = json.to_string().into_bytes();
        let mut memory = vec![0u8; 65_536];
        memory[0x1000..0x1000 + bytes.len()].copy_from_slice(&bytes);
        (memory, bytes.len() as i32)
    }

    fn policy(subscribable: bool) -> EventPolicy {
        EventPolicy { subscribable, emits: vec![("demo.thing-happened".into(), "1.0.0".into())] }
    }

    #[test]
    fn emit_event_return_codes_in_traverse_order() {
        let event = json!({"event_id": "demo.thing-happened", "version": "1.0.0", "payload": {"x": 1}});
        let (memory, len) = memory_with(&event);
        let mut accepted = Accepted::default();
        let emit = |policy: &EventPolicy, ptr, len, accepted: &mut Accepted| {
            emit_event(policy, Some(&memory), ptr, len, accepted)
        };
        assert_eq!(emit(&policy(false), -5, -5, &mut accepted), -3, "whatever the pointer: no trap");
        assert_eq!(emit(&policy(true), 0x1000, 65_537, &mut accepted), -1);
        assert_eq!(emit(&policy(true), 65_500, 100, &mut accepted), -1, "out of bounds is -1, not a trap");
        assert_eq!(emit(&policy(true), 0x1000, len - 1, &mut accepted), -1, "not JSON");
        assert_eq!(
            emit_event(&policy(true), None::<&Vec<u8>>, 0x1000, len, &mut accepted),
            -1,
            "no memory export"
        );
        let undeclared = EventPolicy { emits: vec![], ..policy(true) };
        assert_eq!(emit(&undeclared, 0x1000, len, &mut accepted), -2);
        // Refused, and remembered as refused (what Explore reports): the -3 one named as far as
        // its bytes could be read.
        let remembered = ["?@?", "demo.thing-happened@1.0.0"].map(String::from);
        assert_eq!(accepted, Accepted { undeclared: remembered.to_vec(), ..Accepted::default() });
        accepted.undeclared.clear();
        assert_eq!(emit(&policy(true), 0x1000, len, &mut accepted), 0);
        assert_eq!(
            accepted.events,
            [EmittedEvent {
                event_id: "demo.thing-happened".into(),
                version: "1.0.0".into(),
                data: json!({"x": 1})
            }]
        );
        // Past the bound an event is still accepted, as Traverse accepts it, but not kept.
        for _ in 1..MAX_KEPT_EVENTS + 5 {
            assert_eq!(emit(&policy(true), 0x1000, len, &mut accepted), 0);
        }
        assert_eq!((accepted.events.len(), accepted.dropped), (MAX_KEPT_EVENTS, 5));
    }

    #[test]
    fn connector_invoke_is_unbound_or_invalid() {
        let call = |request: Value| {
            let (memory, len) = memory_with(&request);
            connector_invoke(Some(&memory), 0x1000, len, 0x8000, 1024)
        };
        let valid = json!({"abi_version": "1.0.0", "connector_id": "traverse.http", "operation": "request", "payload": {}});
        assert_eq!(call(valid.clone()), -2);
        assert_eq!(
            call(json!({"abi_version": "2.0.0", "connector_id": "c", "operation": "o", "payload": {}})),
            -1
        );
        assert_eq!(
            call(json!({"abi_version": "1.0.0", "connector_id": "", "operation": "o", "payload": {}})),
            -1
        );
        for private in [
            json!({"apiSecret": 1}),
            json!({"x": ["/etc/hosts"]}),
            json!({"url": "https://x"}),
            json!({"S3_BUCKET": "b"}),
        ] {
            let mut request = valid.clone();
            request["payload"] = private.clone();
            assert_eq!(call(request), -1, "{private}");
        }
        let (memory, len) = memory_with(&valid);
        assert_eq!(connector_invoke(Some(&memory), 0x1000, len, 0x8000, 65_537), -1);
    }
}
