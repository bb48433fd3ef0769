//! The convert-currency example: converts an amount with a live rate from the `traverse.fx`
//! connector when the host binds one, and otherwise with the fixed rate the request carries,
//! saying which it used. Traverse's local executor binds no connector (`connector_invoke`
//! answers -2), so there the fallback is always taken: the example shows how a guest stays
//! useful without one.
#![no_std]

use json_answer::deny;
use serde::{Deserialize, Serialize};

const INPUT_CAP: usize = 1024;
const OUTPUT_CAP: usize = 512;
/// The connector's answer is read into this buffer when a host provides one.
const RESPONSE_CAP: usize = 512;

#[link(wasm_import_module = "traverse_host")]
unsafe extern "C" {
    /// Returns the response length, or -1 for an invalid request and -2 when no connector is bound.
    fn connector_invoke(req_ptr: *const u8, req_len: usize, resp_ptr: *mut u8, resp_cap: usize) -> i32;
}

#[derive(Deserialize)]
struct Conversion<'a> {
    amount_cents: u64,
    from: &'a str,
    to: &'a str,
    /// The rate to use without a connector, in millionths (1.0 = 1_000_000).
    fallback_rate_micros: u64,
}

#[derive(Serialize)]
struct RateQuery<'a> {
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct ConnectorRequest<'a> {
    abi_version: &'a str,
    connector_id: &'a str,
    operation: &'a str,
    payload: RateQuery<'a>,
}

#[derive(Deserialize)]
struct RateAnswer {
    rate_micros: u64,
}

#[derive(Serialize)]
struct Converted<'a> {
    amount_cents: u64,
    connector_status: i32,
    currency: &'a str,
    rate_micros: u64,
    rate_source: &'a str,
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    json_answer::serve::<INPUT_CAP, OUTPUT_CAP>(|stdin, output| match serde_json_core::from_slice::<Conversion>(stdin) {
        Err(_) => deny(output, "stdin must be {amount_cents, from, to, fallback_rate_micros}"),
        Ok((conversion, _)) => convert(&conversion, output),
    });
}

fn convert(c: &Conversion, output: &mut [u8]) -> usize {
    let (status, live) = live_rate(c.from, c.to);
    let (rate, source) = match live {
        Some(rate) => (rate, "connector"),
        None => (c.fallback_rate_micros, "fallback"),
    };
    let Some(amount) = c.amount_cents.checked_mul(rate).map(|micros| micros / 1_000_000) else {
        return deny(output, "the converted amount does not fit in 64 bits of cents");
    };
    let answer =
        Converted { amount_cents: amount, connector_status: status, currency: c.to, rate_micros: rate, rate_source: source };
    json_answer::write(&answer, output)
}

/// The host's status and, when it answered, the rate it gave.
fn live_rate(from: &str, to: &str) -> (i32, Option<u64>) {
    let request = ConnectorRequest {
        abi_version: "1.0.0",
        connector_id: "traverse.fx",
        operation: "rate",
        payload: RateQuery { from, to },
    };
    let mut buffer = [0u8; 256];
    let len = serde_json_core::to_slice(&request, &mut buffer).unwrap_or(0);
    let mut response = [0u8; RESPONSE_CAP];
    // SAFETY: both buffers outlive the call; the host writes at most RESPONSE_CAP bytes.
    let status = unsafe { connector_invoke(buffer.as_ptr(), len, response.as_mut_ptr(), RESPONSE_CAP) };
    let answered = usize::try_from(status).ok().filter(|&n| n > 0 && n <= RESPONSE_CAP);
    let rate = answered.and_then(|n| serde_json_core::from_slice::<RateAnswer>(&response[..n]).ok());
    (status, rate.map(|(answer, _)| answer.rate_micros))
}
