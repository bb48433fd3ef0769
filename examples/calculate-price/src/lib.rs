//! The calculate-price example: totals a basket and stamps the answer with a hash of the exact
//! request it answered, so a caller can tell which configuration a price came from.
//!
//! stdin `{"discount_percent":10,"items":[{"quantity":2,"sku":"tea","unit_cents":450}]}` gives
//! `{"config_hash":"fnv1a64:…","discount_cents":90,"subtotal_cents":900,"total_cents":810}`.
//! The hash is FNV-1a 64 over the raw stdin bytes: Traverse writes them compact with sorted
//! keys, so the same request always hashes the same.
#![no_std]

use core::fmt::Write;

use json_answer::deny;
use serde::{Deserialize, Serialize};

const INPUT_CAP: usize = 8 * 1024;
const OUTPUT_CAP: usize = 1024;
const MAX_ITEMS: usize = 64;

#[derive(Deserialize)]
struct Item<'a> {
    #[allow(dead_code)] // Part of the contract's input; the price does not depend on it.
    sku: &'a str,
    unit_cents: u64,
    quantity: u64,
}

#[derive(Deserialize)]
struct Basket<'a> {
    #[serde(borrow)]
    items: heapless::Vec<Item<'a>, MAX_ITEMS>,
    discount_percent: u64,
}

#[derive(Serialize)]
struct Price<'a> {
    config_hash: &'a str,
    discount_cents: u64,
    subtotal_cents: u64,
    total_cents: u64,
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() {
    json_answer::serve::<INPUT_CAP, OUTPUT_CAP>(|stdin, output| match serde_json_core::from_slice::<Basket>(stdin) {
        Err(_) => deny(output, "stdin must be a basket: items (at most 64) and discount_percent"),
        Ok((basket, _)) => price(&basket, stdin, output),
    });
}

fn price(basket: &Basket, raw: &[u8], output: &mut [u8]) -> usize {
    if basket.discount_percent > 100 {
        return deny(output, "discount_percent must be between 0 and 100");
    }
    let subtotal = basket.items.iter().try_fold(0u64, |sum, item| {
        item.unit_cents.checked_mul(item.quantity).and_then(|line| sum.checked_add(line))
    });
    let Some(subtotal) = subtotal else {
        return deny(output, "the basket's total does not fit in 64 bits of cents");
    };
    // Rounded down, so a discount never exceeds its percentage.
    let discount = subtotal / 100 * basket.discount_percent + subtotal % 100 * basket.discount_percent / 100;
    let mut hash = heapless::String::<24>::new();
    let _ = write!(hash, "fnv1a64:{:016x}", fnv1a64(raw));
    let answer =
        Price { config_hash: &hash, discount_cents: discount, subtotal_cents: subtotal, total_cents: subtotal - discount };
    json_answer::write(&answer, output)
}

/// FNV-1a 64, the hash Traverse uses for binary digests.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}
