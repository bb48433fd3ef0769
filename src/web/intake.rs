//! Large loads and every archive go through a Web Worker of their own (`src/bin/intake.rs`): it
//! reads the files the user gave (the page posts the `File`s, which are handles, not bytes),
//! unpacks each `.zip` ([`workspace::unpacked`], within the archive's bounds), hashes the files
//! of [`OFF_THREAD_BYTES`] or more with progress, and moves the bytes to the page. The page's
//! thread then only copies in what it keeps: inflating a 300 MB zip there took most of a
//! second, and hashing a large file copied it out of the page's memory first. It also packs the
//! files the page downloads into one `.zip` ([`pack`]).
//!
//! The page itself holds no zip code: reading and writing archives was 116 KB of the page's
//! wasm (64 KB served gzip), which every first visit waited for.
//! Plain files are read on the page ([`wants_worker`]): a package as people write it has its
//! verdict before a worker would have started.
//!
//! The worker answers `Ready`, then to a `take` job `Progress` while it hashes a large file and
//! `Done` with every file, to a `pack` job `Packed` or `Failed`. SHA-256 is the browser's own
//! (Web Crypto) where it has one, checked against ours by the browser tests.

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{Blob, DedicatedWorkerGlobalScope, File, MessageEvent};

use crate::{
    package::{
        PackageFiles, archive,
        digest::{Digests, Fnv1a64, Hasher, sha256_text},
        workspace,
    },
    web::worker::{OneJob, ask_once, reply},
};

/// Files at least this large are read and hashed in the worker; a smaller one takes at most
/// about 40 ms on the page's own thread (both digests run at about 110 MiB/s there).
pub const OFF_THREAD_BYTES: usize = 4 << 20;

/// The binary trunk builds as this worker ([`crate::web::worker::spawn`]).
const WORKER: &str = "intake";

/// Bytes hashed between two progress messages.
const PIECE_BYTES: u32 = 4 << 20;

/// A file ready to add: its path, its bytes (moved from the worker, not copied) and its digests
/// when it was large enough to be hashed there.
#[derive(Debug, Serialize, Deserialize)]
pub struct Arrived {
    pub path: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub bytes: js_sys::Uint8Array,
    pub digests: Option<Digests>,
}

/// Externally tagged: a JS value kept as it is (`preserve`) does not survive serde's
/// buffering of an internally tagged enum.
#[derive(Debug, Serialize, Deserialize)]
enum Message {
    Ready,
    Progress {
        path: String,
        done: u32,
        total: u32,
    },
    Done {
        files: Vec<Arrived>,
        problems: Vec<(String, String)>,
    },
    Packed {
        #[serde(with = "serde_wasm_bindgen::preserve")]
        zip: js_sys::Uint8Array,
    },
    Failed {
        error: String,
    },
}

/// The jobs the page posts, as JS arrays (a `File` is a handle serde cannot carry):
/// `[TAKE, unpack_zips, [[path, File]…]]` and `[PACK, [[path, Uint8Array]…]]`.
const TAKE: &str = "take";
const PACK: &str = "pack";

/// The most files a load may have for the worker to be considered: Chromium stats each file
/// the first time its size is asked for or it is posted, about 0.15 ms of the page's thread
/// each, so many small files are read on the page (in turns, see `browser::read_files`).
const MAX_FILES_CONSIDERED: usize = 64;

/// Whether `given` is read in the worker: a few files, one of them large or a `.zip`.
pub fn wants_worker(given: &[(String, File)]) -> bool {
    given.len() <= MAX_FILES_CONSIDERED
        && given.iter().any(|(path, file)| path.ends_with(".zip") || file.size() >= OFF_THREAD_BYTES as f64)
}

/// `given` read in a new worker, each `.zip` unpacked when `unpack_zips`: every file ready to
/// add, and each that could not be read or unpacked by name with why. `progress(path, done,
/// total)` while a large file is hashed. An error means the worker itself failed.
pub async fn take(
    given: &[(String, File)],
    unpack_zips: bool,
    mut progress: impl FnMut(&str, u32, u32),
) -> Result<(Vec<Arrived>, Vec<(String, String)>), String> {
    let mut worker = OneJob::start(WORKER, |message| matches!(message, Message::Ready))
        .await
        .map_err(|error| format!("the intake worker did not start: {error}"))?;
    let files: js_sys::Array =
        given.iter().map(|(path, file)| js_sys::Array::of2(&JsValue::from_str(path), file)).collect();
    worker
        .post(&js_sys::Array::of3(&TAKE.into(), &JsValue::from_bool(unpack_zips), &files), &[])
        .map_err(|error| format!("the files could not be sent to the intake worker: {error}"))?;
    loop {
        match worker.next().await {
            Some(Ok(Message::Progress { path, done, total })) => progress(&path, done, total),
            Some(Ok(Message::Done { files, problems })) => return Ok((files, problems)),
            Some(Ok(Message::Ready)) => {}
            Some(Ok(other @ (Message::Packed { .. } | Message::Failed { .. }))) => {
                return Err(format!("the intake worker answered {other:?}"));
            }
            Some(Err(error)) => return Err(format!("the intake worker failed: {error}")),
            None => return Err("the intake worker stopped".to_owned()),
        }
    }
}

/// `files` (path and bytes) as one `.zip` ([`archive::pack`]), made in a new worker, to which
/// the bytes are moved; the error says why none was made.
pub async fn pack(files: Vec<(String, js_sys::Uint8Array)>) -> Result<js_sys::Uint8Array, String> {
    let transfer: Vec<JsValue> = files.iter().map(|(_, bytes)| bytes.buffer().into()).collect();
    let files: js_sys::Array =
        files.iter().map(|(path, bytes)| js_sys::Array::of2(&JsValue::from_str(path), bytes)).collect();
    let job = js_sys::Array::of2(&PACK.into(), &files);
    let is_ready = |message: &Message| matches!(message, Message::Ready);
    match ask_once(WORKER, "the intake worker", is_ready, &job, &transfer).await? {
        Message::Packed { zip } => Ok(zip),
        Message::Failed { error } => Err(error),
        other => Err(format!("the intake worker answered {other:?}")),
    }
}

/// The bytes of a file the user gave.
pub async fn read_bytes(blob: &Blob) -> Result<Vec<u8>, String> {
    Ok(js_sys::Uint8Array::new(&read_array(blob).await?).to_vec())
}

async fn read_array(blob: &Blob) -> Result<JsValue, String> {
    wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await.map_err(|error| super::describe(&error))
}

/// Entry point of the intake worker.
pub fn start_worker() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let job: js_sys::Array = event.data().unchecked_into();
        let replies = replies.clone();
        if job.get(0).as_string().as_deref() == Some(PACK) {
            let (message, transfer) = match pack_in_worker(job.get(1).unchecked_ref()) {
                Ok(zip) => {
                    let buffer = zip.buffer();
                    (Message::Packed { zip }, js_sys::Array::of1(&buffer))
                }
                Err(error) => (Message::Failed { error }, js_sys::Array::new()),
            };
            post_moving(&replies, &message, &transfer);
            return;
        }
        let unpack_zips = job.get(1).is_truthy();
        let given: js_sys::Array = job.get(2).unchecked_into();
        wasm_bindgen_futures::spawn_local(async move {
            let (files, problems) = take_in_worker(&replies, &given, unpack_zips).await;
            // The bytes move to the page: copying hundreds of megabytes there would cost its thread.
            let transfer: js_sys::Array = files.iter().map(|file| file.bytes.buffer()).collect();
            post_moving(&replies, &Message::Done { files, problems }, &transfer);
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    reply(&scope, &Message::Ready);
}

/// Posts `message` to the page, moving the buffers in `transfer` rather than copying them.
fn post_moving(scope: &DedicatedWorkerGlobalScope, message: &Message, transfer: &js_sys::Array) {
    let message = serde_wasm_bindgen::to_value(message).expect("worker messages convert to JS");
    scope.post_message_with_transfer(&message, transfer).expect("a worker can always post to its page");
}

/// Each `[path, Uint8Array]` of `given` packed into one zip.
fn pack_in_worker(given: &js_sys::Array) -> Result<js_sys::Uint8Array, String> {
    let mut files = PackageFiles::new();
    for pair in given.iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        let bytes: js_sys::Uint8Array = pair.get(1).unchecked_into();
        files.insert(&pair.get(0).as_string().unwrap_or_default(), bytes.to_vec());
    }
    archive::pack(&files).map(|zip| js_sys::Uint8Array::from(&zip[..]))
}

/// Reads each `[path, File]` of `given`, unpacks zips, and hashes the large files.
async fn take_in_worker(
    scope: &DedicatedWorkerGlobalScope,
    given: &js_sys::Array,
    unpack_zips: bool,
) -> (Vec<Arrived>, Vec<(String, String)>) {
    let mut read = Vec::new();
    let mut problems = Vec::new();
    for pair in given.iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        let path = pair.get(0).as_string().unwrap_or_default();
        let bytes = match read_array(pair.get(1).unchecked_ref()).await {
            Ok(buffer) => js_sys::Uint8Array::new(&buffer),
            Err(error) => {
                problems.push((path, format!("could not be read: {error}")));
                continue;
            }
        };
        // Only a zip comes into this worker's memory; any other file stays in the buffer read.
        if unpack_zips && workspace::is_archive(&path, &start_of(&bytes)) {
            match workspace::unpacked(path, bytes.to_vec()) {
                Ok(entries) => read.extend(
                    entries.into_iter().map(|(path, bytes)| (path, js_sys::Uint8Array::from(&bytes[..]))),
                ),
                Err(problem) => problems.push(problem),
            }
        } else {
            read.push((path, bytes));
        }
    }
    let mut files = Vec::with_capacity(read.len());
    for (path, bytes) in read {
        let digests = if bytes.length() as usize >= OFF_THREAD_BYTES {
            Some(digests_in_worker(scope, &path, &bytes).await)
        } else {
            None
        };
        files.push(Arrived { path, bytes, digests });
    }
    (files, problems)
}

/// The first four bytes, or fewer: all [`workspace::is_archive`] reads.
fn start_of(bytes: &js_sys::Uint8Array) -> Vec<u8> {
    bytes.subarray(0, bytes.length().min(4)).to_vec()
}

/// SHA-256 by the browser's own Web Crypto, which runs beside this thread (and at native speed),
/// while FNV-1a 64 is computed here piece by piece with progress. Where Web Crypto is missing (a
/// page served over plain HTTP from another host) or fails, SHA-256 is computed here too.
async fn digests_in_worker(
    scope: &DedicatedWorkerGlobalScope,
    path: &str,
    bytes: &js_sys::Uint8Array,
) -> Digests {
    let browser_sha256 = scope
        .crypto()
        .ok()
        .filter(|crypto| !crypto.subtle().is_undefined())
        .and_then(|crypto| crypto.subtle().digest_with_str_and_js_u8_array("SHA-256", bytes).ok());
    if let Some(promise) = browser_sha256 {
        let mut fnv1a64 = Fnv1a64::default();
        in_pieces(scope, path, bytes, |piece| fnv1a64.update(piece));
        if let Ok(digest) = wasm_bindgen_futures::JsFuture::from(promise).await {
            let sha256 = sha256_text(&js_sys::Uint8Array::new(&digest).to_vec());
            return Digests { fnv1a64: fnv1a64.finish(), sha256 };
        }
    }
    let mut hasher = Hasher::default();
    in_pieces(scope, path, bytes, |piece| hasher.update(piece));
    hasher.finish()
}

/// Hands `bytes` to `hash` a piece at a time, saying the progress before the first piece and
/// after each.
fn in_pieces(
    scope: &DedicatedWorkerGlobalScope,
    path: &str,
    bytes: &js_sys::Uint8Array,
    mut hash: impl FnMut(&[u8]),
) {
    let total = bytes.length();
    let mut piece = vec![0; PIECE_BYTES.min(total) as usize];
    let mut done = 0;
    reply(scope, &Message::Progress { path: path.to_owned(), done, total });
    while done < total {
        let end = total.min(done + PIECE_BYTES);
        let piece = &mut piece[..(end - done) as usize];
        bytes.subarray(done, end).copy_to(piece);
        hash(piece);
        done = end;
        reply(scope, &Message::Progress { path: path.to_owned(), done, total });
    }
}
