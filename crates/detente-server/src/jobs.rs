//! Background analysis jobs: a bounded worker pool, progress, cancellation.
//!
//! A run is recorded `queued` in the store before the client is answered (202). A tokio task
//! waits for a slot (at most `workers` analyses at once), moves the run to `running`, and runs
//! the analysis on the blocking pool. The analysis reports progress and checks for
//! cancellation through [`Progress`]. The store's conditional updates decide races: a run
//! cancelled while its analysis was finishing stays `cancelled` and its result is dropped.
//!
//! Analyses compute on the server's own rayon pool of `workers` threads (never rayon's global
//! pool), so `--workers` bounds the cores they use; runs are admitted up to a fixed number
//! queued or running ([`Jobs::admit`]), atomically, so concurrent requests cannot exceed it.

use crate::analyses;
use crate::store::Store;
use detente_scenario::Scenario;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Shared between a running analysis and the server: progress out, cancellation in.
#[derive(Debug, Default)]
pub struct Progress {
    /// Shared with the models' round loops through `detente_scenario::with_cancel`.
    cancelled: Arc<AtomicBool>,
    /// f64 bits of the fraction done, 0–1.
    done: AtomicU64,
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }
    /// Record the fraction done (clamped to 0–1).
    pub fn set(&self, fraction: f64) {
        let f = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.done.store(f.to_bits(), Ordering::Relaxed);
    }
    pub fn get(&self) -> f64 {
        f64::from_bits(self.done.load(Ordering::Relaxed))
    }
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// The live jobs of this process.
pub struct Jobs {
    slots: Arc<Semaphore>,
    live: Mutex<HashMap<i64, Arc<Progress>>>,
    /// Runs admitted (queued or running, or about to be stored as queued).
    admitted: Arc<AtomicUsize>,
    /// The threads analyses compute on.
    pool: Option<Arc<rayon::ThreadPool>>,
}

/// A place among the runs the server accepts at once, taken by [`Jobs::admit`] before a run is
/// stored and given back when the run ends (or when it is dropped unused).
pub struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Jobs {
    pub fn new(workers: usize) -> Self {
        let workers = workers.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|k| format!("detente-analysis-{k}"))
            .build()
            .ok()
            .map(Arc::new);
        Jobs {
            slots: Arc::new(Semaphore::new(workers)),
            live: Mutex::new(HashMap::new()),
            admitted: Arc::new(AtomicUsize::new(0)),
            pool,
        }
    }

    /// Take one of `max` places for a new run, or `None` when all are taken. Atomic: `max`
    /// concurrent callers get at most `max` places.
    pub fn admit(&self, max: usize) -> Option<Admission> {
        self.admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Admission(self.admitted.clone()))
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Progress>>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Live progress of a run of this process, if it is queued or running.
    pub fn progress(&self, run: i64) -> Option<f64> {
        self.live().get(&run).map(|p| p.get())
    }

    /// Signal a live run to stop (the store has already marked it cancelled).
    pub fn cancel(&self, run: i64) {
        if let Some(p) = self.live().get(&run) {
            p.cancel();
        }
    }

    /// Runs of this process queued or running.
    pub fn live_count(&self) -> usize {
        self.live().len()
    }

    /// Start run `run` (already stored as `queued`) in the background; its admission is held
    /// until it ends.
    pub fn spawn(
        self: &Arc<Self>,
        admission: Admission,
        store: Arc<Store>,
        run: i64,
        analysis: analyses::Analysis,
        scenario: Arc<Scenario>,
        options: serde_json::Value,
    ) {
        let progress = Arc::new(Progress::new());
        self.live().insert(run, progress.clone());
        let jobs = self.clone();
        tokio::spawn(async move {
            let permit = jobs.slots.clone().acquire_owned().await;
            let started = !progress.is_cancelled() && matches!(store.start_run(run), Ok(true));
            if started {
                let p = progress.clone();
                let st = store.clone();
                let pool = jobs.pool.clone();
                let outcome = tokio::task::spawn_blocking(move || {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let work = || {
                            // The models check this flag between rounds, on this thread.
                            detente_scenario::with_cancel(p.cancelled.clone(), || {
                                analyses::run(analysis, &scenario, &options, &p)
                            })
                        };
                        match &pool {
                            Some(pool) => pool.install(work),
                            None => work(),
                        }
                    }));
                    let r = match r {
                        Ok(r) => r,
                        Err(_) => {
                            Err("the analysis failed unexpectedly (panic); this is a bug"
                                .to_string())
                        }
                    };
                    if !p.is_cancelled() {
                        let _ = st.finish_run(run, r.as_ref().map_err(String::as_str));
                    }
                })
                .await;
                if outcome.is_err() {
                    let _ = store.finish_run(run, Err("the analysis task was lost"));
                }
            }
            drop(permit);
            jobs.live().remove(&run);
            drop(admission);
        });
    }
}
