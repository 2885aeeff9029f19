//! SQLite's one writer: a thread that commits the writes queued while it
//! was busy together (group commit). Each write runs in a savepoint of its
//! own inside one `BEGIN IMMEDIATE` transaction, so a write that fails
//! undoes only its own changes, and a burst of writes pays for one commit.
//! A write's caller hears of it only once its transaction has committed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};

use diesel::connection::SimpleConnection;
use tokio::sync::oneshot;

use super::AnyConnection;
use crate::error::{ApiError, ApiResult};

/// At most this many writes share a commit, so none waits behind an
/// endless stream of others.
const MOST_WRITES_PER_COMMIT: usize = 64;

/// A queued write: runs its change on the connection, says whether it
/// succeeded, and hands back how to answer its caller once the commit's
/// outcome is known.
type Job = Box<dyn FnOnce(&mut AnyConnection) -> (bool, Answer) + Send>;

/// A job, and whether a cached page may show what it changes (see `Seen`).
type Queued = (Job, Seen);

/// Whether a write changes what a cached thread page shows: only then does
/// the generation move on when it commits (see `pages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    OnPages,
    /// Chat, presence, sessions, counters, notifications, or one thread's
    /// content whose pages the caller makes stale itself.
    Elsewhere,
}

/// Answers a write's caller with the commit's outcome (an error message if
/// the transaction could not commit).
type Answer = Box<dyn FnOnce(Result<(), &str>) + Send>;

#[derive(Clone)]
pub struct Writer {
    jobs: Sender<Queued>,
}

impl Writer {
    /// Starts the writer thread on `connection`; `generation` moves on after
    /// every commit or rollback of a write cached pages may show.
    pub fn start(connection: AnyConnection, generation: Arc<AtomicU64>) -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("kindred-writer".to_owned())
            .spawn(move || serve(connection, &queue, &generation))?;
        Ok(Self { jobs })
    }

    /// Runs `change` in the next transaction; its changes commit only if it
    /// returns Ok, and the result comes back after the commit.
    pub async fn write<T, F>(&self, seen: Seen, change: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    {
        let (job, answered) = job(change);
        self.jobs.send((job, seen)).map_err(|_| ApiError::internal("the database writer has stopped"))?;
        answered.await.map_err(|_| ApiError::internal("the write stopped before it finished (see the server log)"))?
    }
}

/// A write as the writer thread runs it, and where its answer arrives.
fn job<T, F>(change: F) -> (Job, oneshot::Receiver<ApiResult<T>>)
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
{
    let (answer, answered) = oneshot::channel();
    let job: Job = Box::new(move |connection| {
        let outcome = change(connection);
        let succeeded = outcome.is_ok();
        let reply: Answer = Box::new(move |committed| {
            let result = match committed {
                Ok(()) => outcome,
                Err(message) => Err(ApiError::internal(message)),
            };
            let _ = answer.send(result);
        });
        (succeeded, reply)
    });
    (job, answered)
}

/// Commits batches of writes until every `Writer` handle is gone.
fn serve(mut connection: AnyConnection, queue: &Receiver<Queued>, generation: &AtomicU64) {
    while let Ok(first) = queue.recv() {
        commit_batch(&mut connection, first, queue, generation);
    }
}

/// One transaction: `first`, then whatever else is queued, up to the limit;
/// returns how many writes it took. The generation moves on (when a page
/// may show any of them) before any caller hears, so nothing they read next
/// can come from a page cached before their write.
fn commit_batch(
    connection: &mut AnyConnection,
    first: Queued,
    queue: &Receiver<Queued>,
    generation: &AtomicU64,
) -> usize {
    if let Err(error) = connection.batch_execute("BEGIN IMMEDIATE") {
        // Dropping the job tells its caller the write stopped.
        tracing::error!(%error, "could not begin a write transaction");
        return 1;
    }
    let mut answers = Vec::new();
    let mut intact = Ok(());
    let mut taken = 0;
    let mut shown = false;
    let mut next = Some(first);
    while let Some((job, seen)) = next {
        shown |= seen == Seen::OnPages;
        let (answer, closed) = in_savepoint(connection, job);
        answers.extend(answer);
        taken += 1;
        intact = closed;
        next = if intact.is_ok() && taken < MOST_WRITES_PER_COMMIT { queue.try_recv().ok() } else { None };
    }
    let committed = intact.and_then(|()| connection.batch_execute("COMMIT")).map_err(|error| error.to_string());
    if let Err(error) = &committed {
        tracing::error!(%error, writes = taken, "a write transaction could not commit");
        let _ = connection.batch_execute("ROLLBACK");
    }
    if shown {
        generation.fetch_add(1, Ordering::Release);
    }
    for answer in answers {
        answer(committed.as_ref().map(drop).map_err(String::as_str));
    }
    taken
}

/// Runs one write in a savepoint, released if it succeeded and rolled back
/// if it failed or panicked (a panicked write's caller is told it stopped).
/// Fails if the savepoint could not be opened or closed: the transaction is
/// then in an unknown state and must not commit.
fn in_savepoint(connection: &mut AnyConnection, job: Job) -> (Option<Answer>, diesel::QueryResult<()>) {
    if let Err(error) = connection.batch_execute("SAVEPOINT write") {
        return (None, Err(error));
    }
    let (succeeded, answer) = match catch_unwind(AssertUnwindSafe(|| job(connection))) {
        Ok((succeeded, answer)) => (succeeded, Some(answer)),
        Err(_) => {
            tracing::error!("a write panicked; its changes are rolled back");
            (false, None)
        }
    };
    let closed = if succeeded {
        connection.batch_execute("RELEASE write")
    } else {
        connection.batch_execute("ROLLBACK TO write; RELEASE write")
    };
    (answer, closed)
}

#[cfg(test)]
mod tests {
    use diesel::{Connection, SqliteConnection};

    use super::*;

    #[tokio::test]
    async fn one_commit_takes_at_most_its_share_of_a_long_queue() {
        let Ok(sqlite) = SqliteConnection::establish(":memory:") else { panic!("an in-memory database") };
        let mut connection = AnyConnection::Sqlite(sqlite);
        let (jobs, queue) = mpsc::channel();
        let mut answers = Vec::new();
        for n in 0..MOST_WRITES_PER_COMMIT + 36 {
            let (queued, answered) = job(move |_| Ok(n));
            let seen = if n == 1 { Seen::OnPages } else { Seen::Elsewhere };
            let _ = jobs.send((queued, seen));
            answers.push(answered);
        }
        let generation = AtomicU64::new(0);
        let Ok(first) = queue.try_recv() else { panic!("a queued write") };
        assert_eq!(commit_batch(&mut connection, first, &queue, &generation), MOST_WRITES_PER_COMMIT);
        assert_eq!(queue.try_iter().count(), 36, "the rest wait for the next commit");
        assert_eq!(generation.load(Ordering::Acquire), 1, "one write a page shows moves the generation once");
        let mut answered = answers.into_iter();
        for n in 0..MOST_WRITES_PER_COMMIT {
            let answer = answered.next().map(|mut receiver| receiver.try_recv());
            assert!(matches!(answer, Some(Ok(Ok(value))) if value == n), "write {n} answered after the commit");
        }
    }
}
