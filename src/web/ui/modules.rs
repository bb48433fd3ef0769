//! The modules the page's checks have read, by SHA-256. The governed runner reads them
//! (`WorkerRequest::Read`): it carries wasmparser for its runs, and the page, which would
//! otherwise carry it too, downloads an eighth less before it can be used.
//!
//! A check meets a module not read yet as `None` ([`Reader`]): its report says the module is
//! being read, and what it missed is asked of the runner ([`Modules::ask`]); the checks run
//! again when the answer comes, as the map they read is a signal. Modules are read one at a
//! time, so that they never start a second runner worker.

use std::{
    cell::RefCell,
    collections::{BTreeMap, VecDeque},
    rc::Rc,
};

use futures::channel::oneshot;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    check::module_info::{Reader, Reading},
    package::digest,
    web::runner::client::Runner,
};

/// A module a check could not read yet: its SHA-256 and bytes.
pub type Missed = (String, Vec<u8>);

#[derive(Clone, Copy)]
pub struct Modules {
    read: RwSignal<BTreeMap<String, Reading>>,
    /// Asked and not answered yet, in order, the one being read first; empty when no module is
    /// being read. A module read or queued is not asked again.
    queue: StoredValue<VecDeque<Missed>>,
    /// Runs waiting for a module to be read, by its SHA-256.
    waiting: StoredValue<Vec<(String, oneshot::Sender<()>)>>,
}

impl Modules {
    pub fn new() -> Self {
        Self {
            read: RwSignal::new(BTreeMap::new()),
            queue: StoredValue::new(VecDeque::new()),
            waiting: StoredValue::new(Vec::new()),
        }
    }

    /// `check` with the modules read so far, tracked (it runs again as more are read), and the
    /// modules it could not read yet.
    pub fn check<T>(&self, check: impl FnOnce(&dyn Reader) -> T) -> (T, Vec<Missed>) {
        self.read.with(|read| {
            let readings = Readings { read, missed: RefCell::default() };
            let checked = check(&readings);
            (checked, readings.missed.into_inner())
        })
    }

    /// Has the runner read each module not read or asked for before, in turn.
    pub fn ask(self, runner: &Rc<Runner>, missed: &[Missed]) {
        let start = self.queue.try_update_value(|queue| {
            let idle = queue.is_empty();
            for (sha256, bytes) in missed {
                let read = self.read.with_untracked(|read| read.contains_key(sha256));
                if !read && !queue.iter().any(|(queued, _)| queued == sha256) {
                    queue.push_back((sha256.clone(), bytes.clone()));
                }
            }
            idle && !queue.is_empty()
        });
        if start != Some(true) {
            return;
        }
        let runner = runner.clone();
        spawn_local(async move {
            // The module stays queued until its reading is in: asked meanwhile, it is not asked again.
            while let Some((sha256, bytes)) = self.queue.with_value(|queue| queue.front().cloned()) {
                let reading = runner.read(bytes).await;
                self.read.update(|read| drop(read.insert(sha256.clone(), reading)));
                self.waiting.update_value(|waiting| {
                    for (_, done) in waiting.extract_if(.., |(waited, _)| *waited == sha256) {
                        let _ = done.send(());
                    }
                });
                self.queue.update_value(|queue| drop(queue.pop_front()));
            }
        });
    }

    /// Once `bytes` are read: a run waits for this where a check says it is reading.
    pub async fn read_now(self, runner: &Rc<Runner>, bytes: &[u8]) {
        let sha256 = digest::sha256(bytes);
        if self.read.with_untracked(|read| read.contains_key(&sha256)) {
            return;
        }
        let (done, read) = oneshot::channel();
        self.waiting.update_value(|waiting| waiting.push((sha256.clone(), done)));
        self.ask(runner, &[(sha256, bytes.to_vec())]);
        let _ = read.await;
    }
}

impl Default for Modules {
    fn default() -> Self {
        Self::new()
    }
}

/// The modules read so far, as a check reads them, noting what it missed.
struct Readings<'a> {
    read: &'a BTreeMap<String, Reading>,
    missed: RefCell<Vec<Missed>>,
}

impl Reader for Readings<'_> {
    fn read(&self, bytes: &[u8], sha256: Option<&str>) -> Option<Reading> {
        let sha256 = sha256.map_or_else(|| digest::sha256(bytes), str::to_owned);
        let reading = self.read.get(&sha256).cloned();
        if reading.is_none() {
            self.missed.borrow_mut().push((sha256, bytes.to_vec()));
        }
        reading
    }
}
