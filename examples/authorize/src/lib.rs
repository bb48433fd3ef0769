//! The authorize example: decides whether a principal may perform an action on a resource.
//!
//! Rules, in order: a suspended principal is denied; an admin of the resource's tenant is
//! allowed anything; an owner may read and update; a viewer of the tenant may read; everything
//! else is denied. Another tenant is always denied. The answer names the rule that decided it.
#![no_std]

use serde::{Deserialize, Serialize};

const INPUT_CAP: usize = 4096;
const OUTPUT_CAP: usize = 1024;

#[derive(Deserialize)]
struct Principal<'a> {
    id: &'a str,
    role: &'a str,
    tenant: &'a str,
    #[serde(default)]
    suspended: bool,
}

#[derive(Deserialize)]
struct Resource<'a> {
    owner: &'a str,
    tenant: &'a str,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow)]
    principal: Principal<'a>,
    action: &'a str,
    #[serde(borrow)]
    resource: Resource<'a>,
}

#[derive(Serialize)]
struct Decision<'a> {
    decision: &'a str,
    rule: &'a str,
}

/// Input that cannot be read is denied too, by a rule that says so: a decision is always given.
#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    json_answer::serve::<INPUT_CAP, OUTPUT_CAP>(|stdin, output| {
        let (decision, rule) = match serde_json_core::from_slice::<Request>(stdin) {
            Err(_) => ("deny", "input-malformed"),
            Ok((request, _)) => decide(&request),
        };
        json_answer::write(&Decision { decision, rule }, output)
    });
}

fn decide(request: &Request) -> (&'static str, &'static str) {
    let Request { principal, action, resource } = request;
    let known_action = matches!(*action, "read" | "update" | "delete");
    match () {
        _ if !known_action => ("deny", "unknown-action"),
        _ if principal.suspended => ("deny", "principal-suspended"),
        _ if principal.tenant != resource.tenant => ("deny", "tenant-isolation"),
        _ if principal.role == "admin" => ("allow", "tenant-admin"),
        _ if principal.id == resource.owner && matches!(*action, "read" | "update") => ("allow", "owner"),
        _ if principal.role == "viewer" && *action == "read" => ("allow", "tenant-viewer"),
        _ => ("deny", "no-rule-matched"),
    }
}
