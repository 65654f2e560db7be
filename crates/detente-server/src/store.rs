//! The durable store: one SQLite file in WAL mode.
//!
//! Tables:
//! - `scenarios(id, title, created_at)`: one row per scenario;
//! - `revisions(scenario_id, revision, …, text, sources)`: every saved revision, never updated
//!   or deleted. `sources` is a JSON object mapping each source path as written in the scenario
//!   to the text of that document, so a revision can be reloaded (and its evidence verified)
//!   without reading any file;
//! - `runs(id, scenario_id, revision, analysis, options, status, progress, result, error, …)`.
//!
//! Durability: every write is committed before the HTTP response is sent, with
//! `journal_mode=WAL` and `synchronous=FULL`, so a commit is fsynced to the WAL before it is
//! acknowledged. Writes that arrive while a commit is in progress share the next transaction
//! (group commit, see `Store::write`). This survives a killed process and a power cut.
//! (NORMAL would survive a killed process too, since the WAL is in the OS page cache, but not
//! a power cut.)

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// A stored scenario revision: the text as uploaded plus the texts of its sources.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub scenario_id: i64,
    pub revision: i64,
    pub created_at: String,
    /// `toml` or `json`.
    pub syntax: String,
    /// The file name it was uploaded as (no directories), e.g. `ukraine-2025.toml`.
    pub file_name: String,
    pub title: String,
    /// A note on what changed, e.g. "ukraine/donbas: salience 95 → 80".
    pub message: Option<String>,
    pub text: String,
    /// Source path as written in the scenario → document text.
    #[serde(skip)]
    pub sources: BTreeMap<String, String>,
}

/// A revision as listed (without texts).
#[derive(Debug, Clone, Serialize)]
pub struct RevisionInfo {
    pub revision: i64,
    pub created_at: String,
    pub title: String,
    pub message: Option<String>,
    pub bytes: i64,
}

/// A scenario as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub id: i64,
    pub title: String,
    pub created_at: String,
    pub latest_revision: i64,
    pub updated_at: String,
}

/// The state of an analysis run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Done => "done",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Interrupted => "interrupted",
        }
    }
    pub fn parse(s: &str) -> RunStatus {
        match s {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "done" => RunStatus::Done,
            "failed" => RunStatus::Failed,
            "cancelled" => RunStatus::Cancelled,
            _ => RunStatus::Interrupted,
        }
    }
    pub fn is_finished(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

/// A stored run.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub run: i64,
    pub scenario: i64,
    pub revision: i64,
    pub analysis: String,
    pub options: serde_json::Value,
    pub status: RunStatus,
    /// 0.0–1.0.
    pub progress: f64,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    pub result: Option<serde_json::Value>,
}

/// Errors from the store.
#[derive(Debug)]
pub enum StoreError {
    NotFound(String),
    Conflict(String),
    /// The transaction holding this write failed to commit.
    Commit(String),
    Db(rusqlite::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NotFound(m) | StoreError::Conflict(m) => f.write_str(m),
            StoreError::Commit(m) => write!(f, "database commit failed: {m}"),
            StoreError::Db(e) => write!(f, "database error: {e}"),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The store: one writer connection (SQLite serialises writers anyway; every statement here
/// takes well under a millisecond apart from the commit's fsync, which group commit shares)
/// and a few read-only connections.
pub struct Store {
    /// The writer connection. Whoever holds it commits every write queued in `pending` in one
    /// transaction (group commit), so concurrent writers share one fsync.
    conn: Mutex<Connection>,
    pending: Mutex<Vec<Job>>,
    /// Read-only connections for queries (WAL lets them read while the writer commits); empty
    /// for in-memory stores, which then read through the writer connection.
    readers: Vec<Mutex<Connection>>,
    next_reader: std::sync::atomic::AtomicUsize,
}

/// Read connections opened beside the writer.
const READERS: usize = 4;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS scenarios(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE IF NOT EXISTS revisions(
  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  syntax TEXT NOT NULL CHECK (syntax IN ('toml','json')),
  file_name TEXT NOT NULL,
  title TEXT NOT NULL,
  message TEXT,
  text TEXT NOT NULL,
  sources TEXT NOT NULL,
  PRIMARY KEY (scenario_id, revision)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY,
  scenario_id INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  analysis TEXT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed','cancelled','interrupted')),
  progress REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  started_at TEXT,
  finished_at TEXT,
  error TEXT,
  result TEXT,
  FOREIGN KEY (scenario_id, revision) REFERENCES revisions(scenario_id, revision)
);
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs(scenario_id, id);
"#;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

impl Store {
    /// Open (creating when missing) the database at `path`. Runs left `queued` or `running` by
    /// a previous process are marked `interrupted`. Returns the store and how many runs were
    /// marked.
    pub fn open(path: &Path) -> StoreResult<(Store, usize)> {
        let conn = Connection::open(path)?;
        let (mut store, n) = Self::init(conn)?;
        for _ in 0..READERS {
            let r = Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            r.busy_timeout(std::time::Duration::from_secs(10))?;
            store.readers.push(Mutex::new(r));
        }
        Ok((store, n))
    }

    /// An in-memory store (tests).
    pub fn open_in_memory() -> StoreResult<(Store, usize)> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> StoreResult<(Store, usize)> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // journal_mode returns a row; in-memory databases answer "memory".
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        conn.execute_batch(SCHEMA)?;
        let n = conn.execute(
            &format!(
                "UPDATE runs SET status='interrupted', finished_at={NOW}, \
                 error='the server stopped while this run was in progress' \
                 WHERE status IN ('queued','running')"
            ),
            [],
        )?;
        Ok((
            Store {
                conn: Mutex::new(conn),
                pending: Mutex::new(Vec::new()),
                readers: Vec::new(),
                next_reader: Default::default(),
            },
            n,
        ))
    }

    /// A connection for queries: a free reader if there is one, else the next in turn.
    fn read(&self) -> std::sync::MutexGuard<'_, Connection> {
        if self.readers.is_empty() {
            return self.lock();
        }
        for r in &self.readers {
            if let Ok(g) = r.try_lock() {
                return g;
            }
        }
        let i = self
            .next_reader
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            % self.readers.len();
        self.readers[i].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The latest revision number of a scenario.
    pub fn latest_revision(&self, id: i64) -> StoreResult<i64> {
        let conn = self.read();
        let latest: Option<i64> = conn.query_row(
            "SELECT MAX(revision) FROM revisions WHERE scenario_id=?1",
            params![id],
            |r| r.get(0),
        )?;
        latest.ok_or_else(|| StoreError::NotFound(format!("no scenario {id}")))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Run `f` in the writer's transaction and return its result once that transaction is
    /// committed (durable). Group commit: the job is queued; the caller that gets the writer
    /// connection runs every queued job, each in its own savepoint (a failing job is rolled
    /// back alone and gets its error), commits once, and hands each job its result before
    /// releasing the connection.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let (tx, rx) = std::sync::mpsc::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |c: &Connection| {
            let r = f(c);
            let ok = r.is_ok();
            let deliver: Deliver = Box::new(move |commit_error: Option<String>| {
                let _ = tx.send(match commit_error {
                    None => r,
                    Some(e) => Err(StoreError::Commit(e)),
                });
            });
            (ok, deliver)
        });
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(job);
        let mut conn = self.lock();
        // A combiner that held the connection while we waited may have run our job already
        // (results are delivered before the connection is released).
        if let Ok(r) = rx.try_recv() {
            return r;
        }
        let jobs = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        let mut delivers = Vec::with_capacity(jobs.len());
        let outcome = (|| -> rusqlite::Result<()> {
            let mut txn = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for job in jobs {
                let sp = txn.savepoint()?;
                let (ok, deliver) = job(&sp);
                if ok {
                    sp.commit()?;
                } // else: dropping the savepoint rolls it back
                delivers.push(deliver);
            }
            txn.commit()
        })();
        let err = outcome.err().map(|e| e.to_string());
        for d in delivers {
            d(err.clone());
        }
        drop(conn);
        rx.recv()
            .unwrap_or_else(|_| Err(StoreError::Commit("the write was lost".into())))
    }

    /// Create a scenario with its first revision. Returns (id, revision = 1).
    pub fn create_scenario(&self, rev: NewRevision<'_>) -> StoreResult<(i64, i64)> {
        let rev = rev.to_owned();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO scenarios(title) VALUES (?1)",
                params![rev.title],
            )?;
            let id = tx.last_insert_rowid();
            insert_revision(tx, id, 1, &rev)?;
            Ok((id, 1))
        })
    }

    /// Add a revision to an existing scenario. With `base`, fail with `Conflict` unless the
    /// latest revision is `base` (optimistic concurrency for editors).
    pub fn add_revision(
        &self,
        id: i64,
        base: Option<i64>,
        rev: NewRevision<'_>,
    ) -> StoreResult<i64> {
        let rev = rev.to_owned();
        self.write(move |tx| add_revision_in(tx, id, base, &rev))
    }

    /// The revision `revision` of scenario `id`, or the latest when `None`.
    pub fn revision(&self, id: i64, revision: Option<i64>) -> StoreResult<Revision> {
        let conn = self.read();
        let sql = "SELECT scenario_id, revision, created_at, syntax, file_name, title, message, text, sources \
                   FROM revisions WHERE scenario_id=?1 AND (?2 IS NULL OR revision=?2) \
                   ORDER BY revision DESC LIMIT 1";
        let row = conn
            .query_row(sql, params![id, revision], |r| {
                Ok((
                    Revision {
                        scenario_id: r.get(0)?,
                        revision: r.get(1)?,
                        created_at: r.get(2)?,
                        syntax: r.get(3)?,
                        file_name: r.get(4)?,
                        title: r.get(5)?,
                        message: r.get(6)?,
                        text: r.get(7)?,
                        sources: BTreeMap::new(),
                    },
                    r.get::<_, String>(8)?,
                ))
            })
            .optional()?;
        match row {
            Some((mut rev, sources)) => {
                rev.sources = serde_json::from_str(&sources).unwrap_or_default();
                Ok(rev)
            }
            None => Err(StoreError::NotFound(match revision {
                Some(r) => format!("scenario {id} has no revision {r}"),
                None => format!("no scenario {id}"),
            })),
        }
    }

    /// Every revision of a scenario, oldest first.
    pub fn revisions(&self, id: i64) -> StoreResult<Vec<RevisionInfo>> {
        let conn = self.read();
        let mut st = conn.prepare(
            "SELECT revision, created_at, title, message, length(CAST(text AS BLOB)) FROM revisions \
             WHERE scenario_id=?1 ORDER BY revision",
        )?;
        let v = st
            .query_map(params![id], |r| {
                Ok(RevisionInfo {
                    revision: r.get(0)?,
                    created_at: r.get(1)?,
                    title: r.get(2)?,
                    message: r.get(3)?,
                    bytes: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if v.is_empty() {
            return Err(StoreError::NotFound(format!("no scenario {id}")));
        }
        Ok(v)
    }

    /// Every scenario, newest first.
    pub fn scenarios(&self) -> StoreResult<Vec<ScenarioInfo>> {
        let conn = self.read();
        let mut st = conn.prepare(
            "SELECT s.id, s.title, s.created_at, MAX(r.revision), MAX(r.created_at) \
             FROM scenarios s JOIN revisions r ON r.scenario_id = s.id GROUP BY s.id ORDER BY s.id DESC",
        )?;
        let v = st
            .query_map([], |r| {
                Ok(ScenarioInfo {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    created_at: r.get(2)?,
                    latest_revision: r.get(3)?,
                    updated_at: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }

    /// Record a new run as `queued`.
    pub fn create_run(
        &self,
        id: i64,
        revision: i64,
        analysis: &str,
        options: &serde_json::Value,
    ) -> StoreResult<i64> {
        let (analysis, options) = (analysis.to_string(), options.to_string());
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO runs(scenario_id, revision, analysis, options, status) VALUES (?1, ?2, ?3, ?4, 'queued')",
                params![id, revision, analysis, options],
            )?;
            Ok(conn.last_insert_rowid())
        })
    }

    /// queued → running. False when the run is no longer queued (cancelled meanwhile).
    pub fn start_run(&self, run: i64) -> StoreResult<bool> {
        self.write(move |conn| {
            let n = conn.execute(
                &format!("UPDATE runs SET status='running', started_at={NOW} WHERE id=?1 AND status='queued'"),
                params![run],
            )?;
            Ok(n == 1)
        })
    }

    /// Store the progress (0–1) of a running run.
    pub fn set_progress(&self, run: i64, progress: f64) -> StoreResult<()> {
        self.write(move |conn| {
            conn.execute(
                "UPDATE runs SET progress=?2 WHERE id=?1 AND status='running'",
                params![run, progress],
            )?;
            Ok(())
        })
    }

    /// Finish a run that is still running: `done` with a result or `failed` with an error.
    /// False when the run was cancelled meanwhile (the result is then dropped).
    pub fn finish_run(
        &self,
        run: i64,
        outcome: Result<&serde_json::Value, &str>,
    ) -> StoreResult<bool> {
        let outcome: Result<String, String> = match outcome {
            Ok(v) => Ok(v.to_string()),
            Err(e) => Err(e.to_string()),
        };
        self.write(move |conn| {
            let n = match outcome {
                Ok(result) => conn.execute(
                    &format!(
                        "UPDATE runs SET status='done', progress=1, result=?2, finished_at={NOW} \
                         WHERE id=?1 AND status='running'"
                    ),
                    params![run, result],
                )?,
                Err(e) => conn.execute(
                    &format!(
                        "UPDATE runs SET status='failed', error=?2, finished_at={NOW} WHERE id=?1 AND status='running'"
                    ),
                    params![run, e],
                )?,
            };
            Ok(n == 1)
        })
    }

    /// Cancel a queued or running run. `Ok(false)` when it had already finished.
    pub fn cancel_run(&self, run: i64) -> StoreResult<bool> {
        self.write(move |conn| {
            let n = conn.execute(
                &format!(
                    "UPDATE runs SET status='cancelled', finished_at={NOW}, error='cancelled by a client' \
                     WHERE id=?1 AND status IN ('queued','running')"
                ),
                params![run],
            )?;
            if n == 0 {
                let exists: Option<i64> =
                    conn.query_row("SELECT id FROM runs WHERE id=?1", params![run], |r| r.get(0)).optional()?;
                if exists.is_none() {
                    return Err(StoreError::NotFound(format!("no run {run}")));
                }
            }
            Ok(n == 1)
        })
    }

    /// One run; with `with_result` false the (possibly large) result is left out.
    pub fn run(&self, run: i64, with_result: bool) -> StoreResult<Run> {
        let conn = self.read();
        let sql = format!(
            "SELECT id, scenario_id, revision, analysis, options, status, progress, created_at, started_at, \
             finished_at, error, {} FROM runs WHERE id=?1",
            if with_result { "result" } else { "NULL" }
        );
        conn.query_row(&sql, params![run], row_to_run)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no run {run}")))
    }

    /// The runs of a scenario, newest first, without results.
    pub fn runs(&self, id: i64, limit: i64) -> StoreResult<Vec<Run>> {
        let conn = self.read();
        let mut st = conn.prepare(
            "SELECT id, scenario_id, revision, analysis, options, status, progress, created_at, started_at, \
             finished_at, error, NULL FROM runs WHERE scenario_id=?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let v = st
            .query_map(params![id, limit], row_to_run)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }

    /// `PRAGMA integrity_check` ("ok" when healthy).
    pub fn integrity_check(&self) -> StoreResult<String> {
        let conn = self.lock();
        Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// A queued write: runs in the writer's transaction, says whether it succeeded, and returns
/// how to deliver its result once the commit is known (`Some(error)` when the commit failed).
type Job = Box<dyn FnOnce(&Connection) -> (bool, Deliver) + Send>;
type Deliver = Box<dyn FnOnce(Option<String>) + Send>;

/// A new revision, owned (it crosses to whichever thread commits it).
struct OwnedRevision {
    syntax: String,
    file_name: String,
    title: String,
    message: Option<String>,
    text: String,
    sources: String,
}

impl NewRevision<'_> {
    fn to_owned(&self) -> OwnedRevision {
        OwnedRevision {
            syntax: self.syntax.into(),
            file_name: self.file_name.into(),
            title: self.title.into(),
            message: self.message.map(str::to_string),
            text: self.text.into(),
            sources: serde_json::to_string(self.sources).unwrap_or_else(|_| "{}".into()),
        }
    }
}

/// What a new revision consists of.
pub struct NewRevision<'a> {
    pub syntax: &'a str,
    pub file_name: &'a str,
    pub title: &'a str,
    pub message: Option<&'a str>,
    pub text: &'a str,
    pub sources: &'a BTreeMap<String, String>,
}

fn add_revision_in(
    tx: &Connection,
    id: i64,
    base: Option<i64>,
    rev: &OwnedRevision,
) -> StoreResult<i64> {
    let latest: Option<i64> = tx
        .query_row(
            "SELECT MAX(revision) FROM revisions WHERE scenario_id=?1",
            params![id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let Some(latest) = latest else {
        return Err(StoreError::NotFound(format!("no scenario {id}")));
    };
    if let Some(b) = base {
        if b != latest {
            return Err(StoreError::Conflict(format!(
                "scenario {id} is at revision {latest}, not {b}; reload it and apply the change again"
            )));
        }
    }
    let next = latest + 1;
    insert_revision(tx, id, next, rev)?;
    tx.execute(
        "UPDATE scenarios SET title=?2 WHERE id=?1",
        params![id, rev.title],
    )?;
    Ok(next)
}

fn insert_revision(
    tx: &Connection,
    id: i64,
    revision: i64,
    rev: &OwnedRevision,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO revisions(scenario_id, revision, syntax, file_name, title, message, text, sources) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, revision, rev.syntax, rev.file_name, rev.title, rev.message, rev.text, rev.sources],
    )?;
    Ok(())
}

fn row_to_run(r: &rusqlite::Row<'_>) -> rusqlite::Result<Run> {
    let options: String = r.get(4)?;
    let status: String = r.get(5)?;
    let result: Option<String> = r.get(11)?;
    Ok(Run {
        run: r.get(0)?,
        scenario: r.get(1)?,
        revision: r.get(2)?,
        analysis: r.get(3)?,
        options: serde_json::from_str(&options).unwrap_or(serde_json::Value::Null),
        status: RunStatus::parse(&status),
        progress: r.get(6)?,
        created_at: r.get(7)?,
        started_at: r.get(8)?,
        finished_at: r.get(9)?,
        error: r.get(10)?,
        result: result.and_then(|s| serde_json::from_str(&s).ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev<'a>(text: &'a str, sources: &'a BTreeMap<String, String>) -> NewRevision<'a> {
        NewRevision {
            syntax: "toml",
            file_name: "a.toml",
            title: "T",
            message: None,
            text,
            sources,
        }
    }

    #[test]
    fn revisions_are_kept_and_numbered() {
        let (s, _) = Store::open_in_memory().unwrap();
        let src = BTreeMap::from([("a.txt".to_string(), "hello".to_string())]);
        let (id, r1) = s.create_scenario(rev("one", &src)).unwrap();
        assert_eq!(r1, 1);
        let r2 = s.add_revision(id, None, rev("two", &src)).unwrap();
        assert_eq!(r2, 2);
        assert!(matches!(
            s.add_revision(id, Some(1), rev("three", &src)),
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.revision(id, Some(1)).unwrap().text, "one");
        assert_eq!(s.revision(id, None).unwrap().text, "two");
        assert_eq!(s.revision(id, None).unwrap().sources["a.txt"], "hello");
        assert_eq!(s.revisions(id).unwrap().len(), 2);
        assert!(matches!(
            s.revision(id, Some(9)),
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.add_revision(99, None, rev("x", &src)),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn concurrent_writers_share_commits_and_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Store::open(&dir.path().join("g.db")).unwrap();
        let s = std::sync::Arc::new(s);
        let src = BTreeMap::new();
        let (id, _) = s.create_scenario(rev("r1", &src)).unwrap();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let s = s.clone();
                std::thread::spawn(move || {
                    let src = BTreeMap::new();
                    let mut got = Vec::new();
                    for k in 0..25 {
                        let text = format!("t{t} k{k}");
                        got.push((s.add_revision(id, None, rev(&text, &src)).unwrap(), text));
                        // A failing write in the same batch fails alone.
                        assert!(matches!(
                            s.add_revision(999, None, rev("x", &src)),
                            Err(StoreError::NotFound(_))
                        ));
                    }
                    got
                })
            })
            .collect();
        let mut all: Vec<(i64, String)> = threads
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        all.sort();
        let numbers: Vec<i64> = all.iter().map(|(r, _)| *r).collect();
        assert_eq!(
            numbers,
            (2..=201).collect::<Vec<_>>(),
            "revision numbers are unique and contiguous"
        );
        for (r, text) in &all {
            assert_eq!(&s.revision(id, Some(*r)).unwrap().text, text);
        }
        assert_eq!(s.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn run_lifecycle_and_cancel_race() {
        let (s, _) = Store::open_in_memory().unwrap();
        let src = BTreeMap::new();
        let (id, r) = s.create_scenario(rev("one", &src)).unwrap();
        let run = s
            .create_run(id, r, "forecast", &serde_json::json!({"seed": 1}))
            .unwrap();
        assert_eq!(s.run(run, false).unwrap().status, RunStatus::Queued);
        assert!(s.start_run(run).unwrap());
        assert!(s.cancel_run(run).unwrap());
        // The worker finishing after the cancel does not overwrite it.
        assert!(!s.finish_run(run, Ok(&serde_json::json!(1))).unwrap());
        let got = s.run(run, true).unwrap();
        assert_eq!(got.status, RunStatus::Cancelled);
        assert!(got.result.is_none());
        assert!(!s.cancel_run(run).unwrap());
        assert!(matches!(s.cancel_run(999), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn reopening_marks_unfinished_runs_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let src = BTreeMap::new();
        let (run_a, run_b) = {
            let (s, _) = Store::open(&path).unwrap();
            let (id, r) = s.create_scenario(rev("one", &src)).unwrap();
            let a = s
                .create_run(id, r, "forecast", &serde_json::json!({}))
                .unwrap();
            let b = s
                .create_run(id, r, "forecast", &serde_json::json!({}))
                .unwrap();
            s.start_run(a).unwrap();
            s.start_run(b).unwrap();
            s.finish_run(b, Ok(&serde_json::json!({"x": 1}))).unwrap();
            (a, b)
        };
        let (s, n) = Store::open(&path).unwrap();
        assert_eq!(n, 1);
        assert_eq!(s.run(run_a, false).unwrap().status, RunStatus::Interrupted);
        let b = s.run(run_b, true).unwrap();
        assert_eq!(b.status, RunStatus::Done);
        assert_eq!(b.result.unwrap()["x"], 1);
        assert_eq!(s.integrity_check().unwrap(), "ok");
    }
}
