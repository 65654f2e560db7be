//! Background analysis jobs: a bounded worker pool, progress, cancellation.
//!
//! A run is recorded `queued` in the store before the client is answered (202). A tokio task
//! waits for a slot (at most `workers` analyses at once), moves the run to `running`, and runs
//! the analysis on the blocking pool. The analysis reports progress and checks for
//! cancellation through [`Progress`]. The store's conditional updates decide races: a run
//! cancelled while its analysis was finishing stays `cancelled` and its result is dropped.

use crate::analyses;
use crate::store::Store;
use detente_scenario::Scenario;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Shared between a running analysis and the server: progress out, cancellation in.
#[derive(Debug, Default)]
pub struct Progress {
    cancelled: AtomicBool,
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
}

impl Jobs {
    pub fn new(workers: usize) -> Self {
        Jobs {
            slots: Arc::new(Semaphore::new(workers.max(1))),
            live: Mutex::new(HashMap::new()),
        }
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

    /// Start run `run` (already stored as `queued`) in the background.
    pub fn spawn(
        self: &Arc<Self>,
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
                let outcome = tokio::task::spawn_blocking(move || {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        analyses::run(analysis, &scenario, &options, &p)
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
        });
    }
}
