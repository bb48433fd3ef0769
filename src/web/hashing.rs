//! Hashing large files in a Web Worker of their own (`src/bin/hasher.rs`), so the page stays
//! responsive and shows progress while a 100 MB binary is hashed. The digests are
//! [`digest::Hasher`]'s, the same code the checks use; the page keeps them with the file
//! ([`crate::package::PackageFiles::insert_hashed`]).
//!
//! The page posts the bytes (transferred, not copied); the worker answers `Ready` first, then
//! `Progress` after each piece and `Done` with the digests. SHA-256 is the browser's own (Web
//! Crypto) where it has one, checked against ours by the browser tests.

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::{
    package::digest::{Digests, Fnv1a64, Hasher, sha256_text},
    web::worker::{OneJob, reply},
};

/// Files at least this large are hashed in the worker; a smaller one takes at most about
/// 40 ms on the page's own thread (both digests run at about 110 MiB/s there).
pub const OFF_THREAD_BYTES: usize = 4 << 20;

/// The loader trunk writes for the `hasher` binary.
const WORKER_SCRIPT: &str = "./hasher_loader.js";

/// Bytes hashed between two progress messages.
const PIECE_BYTES: u32 = 4 << 20;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message {
    Ready,
    Progress { done: u32, total: u32 },
    Done(Digests),
}

/// The digests of `bytes`, hashed in a new worker; `progress(done, total)` after each piece.
pub async fn digests(bytes: &[u8], mut progress: impl FnMut(u32, u32)) -> Result<Digests, String> {
    let mut worker = OneJob::start(WORKER_SCRIPT, |message| matches!(message, Message::Ready))
        .await
        .map_err(|error| format!("the hashing worker did not start: {error}"))?;
    let array = js_sys::Uint8Array::from(bytes);
    worker
        .post(&array, &[array.buffer().into()])
        .map_err(|error| format!("the file could not be sent to the hashing worker: {error}"))?;
    loop {
        match worker.next().await {
            Some(Ok(Message::Progress { done, total })) => progress(done, total),
            Some(Ok(Message::Done(digests))) => return Ok(digests),
            Some(Ok(Message::Ready)) => {}
            Some(Err(error)) => return Err(format!("the hashing worker failed: {error}")),
            None => return Err("the hashing worker stopped".to_owned()),
        }
    }
}

/// Entry point of the hashing worker.
pub fn start_worker() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let bytes: js_sys::Uint8Array = event.data().unchecked_into();
        let replies = replies.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let digests = digests_in_worker(&replies, &bytes).await;
            reply(&replies, &Message::Done(digests));
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    reply(&scope, &Message::Ready);
}

/// SHA-256 by the browser's own Web Crypto, which runs beside this thread (and at native speed),
/// while FNV-1a 64 is computed here piece by piece with progress. Where Web Crypto is missing (a
/// page served over plain HTTP from another host) or fails, SHA-256 is computed here too.
async fn digests_in_worker(scope: &DedicatedWorkerGlobalScope, bytes: &js_sys::Uint8Array) -> Digests {
    let browser_sha256 = scope
        .crypto()
        .ok()
        .filter(|crypto| !crypto.subtle().is_undefined())
        .and_then(|crypto| crypto.subtle().digest_with_str_and_js_u8_array("SHA-256", bytes).ok());
    if let Some(promise) = browser_sha256 {
        let mut fnv1a64 = Fnv1a64::default();
        in_pieces(scope, bytes, |piece| fnv1a64.update(piece));
        if let Ok(digest) = wasm_bindgen_futures::JsFuture::from(promise).await {
            let sha256 = sha256_text(&js_sys::Uint8Array::new(&digest).to_vec());
            return Digests { fnv1a64: fnv1a64.finish(), sha256 };
        }
    }
    let mut hasher = Hasher::default();
    in_pieces(scope, bytes, |piece| hasher.update(piece));
    hasher.finish()
}

/// Hands `bytes` to `hash` a piece at a time, saying the progress after each piece.
fn in_pieces(scope: &DedicatedWorkerGlobalScope, bytes: &js_sys::Uint8Array, mut hash: impl FnMut(&[u8])) {
    let total = bytes.length();
    let mut piece = vec![0; PIECE_BYTES.min(total) as usize];
    let mut done = 0;
    while done < total {
        let end = total.min(done + PIECE_BYTES);
        let piece = &mut piece[..(end - done) as usize];
        bytes.subarray(done, end).copy_to(piece);
        hash(piece);
        done = end;
        reply(scope, &Message::Progress { done, total });
    }
}
