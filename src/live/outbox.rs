//! The outgoing side of a live connection: the session, the one write in
//! flight and a bounded queue behind it, all driven by the connection's own
//! task, so a stalled write never stops its reader or heartbeat.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use actix_web::web;
use actix_ws::{CloseReason, Session};
use bytestring::ByteString;

/// A frame waiting to be written.
pub enum Outgoing {
    Text(ByteString),
    Ping,
    Pong(web::Bytes),
}

/// The client is not keeping up (its queue is full or a write timed out),
/// or it is gone.
pub struct TooSlow;

type Write = Pin<Box<dyn Future<Output = Option<Session>>>>;

pub struct Outbox {
    /// The session while nothing is being written; otherwise it is inside `writing`.
    idle: Option<Session>,
    /// Boxed so that a connection at rest holds only the session.
    writing: Option<Write>,
    /// Frames behind the one being written; empty (and unallocated) at rest.
    queue: VecDeque<Outgoing>,
    capacity: usize,
    write_timeout: Duration,
}

impl Outbox {
    pub fn new(session: Session, capacity: usize, write_timeout: Duration) -> Self {
        Self { idle: Some(session), writing: None, queue: VecDeque::new(), capacity, write_timeout }
    }

    /// Starts writing the frame, or queues it behind the write in flight; a
    /// full queue means the client is not reading, and it is refused rather
    /// than grow.
    pub fn push(&mut self, outgoing: Outgoing) -> Result<(), TooSlow> {
        if let Some(session) = self.idle.take() {
            self.writing = Some(self.write(session, outgoing));
            return Ok(());
        }
        if self.writing.is_none() || self.queue.len() >= self.capacity {
            return Err(TooSlow);
        }
        self.queue.push_back(outgoing);
        Ok(())
    }

    /// Writes the queue out; ready only when the client is too slow or gone.
    pub async fn flush(&mut self) -> TooSlow {
        poll_fn(|cx| self.poll_flush(cx)).await
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<TooSlow> {
        while let Some(writing) = self.writing.as_mut() {
            let Some(session) = ready!(writing.as_mut().poll(cx)) else {
                self.writing = None;
                return Poll::Ready(TooSlow);
            };
            self.writing = match self.queue.pop_front() {
                Some(next) => Some(self.write(session, next)),
                None => {
                    self.queue.shrink_to_fit();
                    self.idle = Some(session);
                    None
                }
            };
        }
        Poll::Pending
    }

    /// Writes out what is queued, then the close frame.
    pub async fn close(&mut self, reason: CloseReason) {
        let written = poll_fn(|cx| match self.poll_flush(cx) {
            Poll::Pending if self.writing.is_some() => Poll::Pending,
            Poll::Pending => Poll::Ready(true),
            Poll::Ready(TooSlow) => Poll::Ready(false),
        })
        .await;
        if let (true, Some(session)) = (written, self.idle.take()) {
            let _ = tokio::time::timeout(self.write_timeout, session.close(Some(reason))).await;
        }
    }

    fn write(&self, session: Session, outgoing: Outgoing) -> Write {
        Box::pin(write(session, outgoing, self.write_timeout))
    }
}

/// Writes one frame; the session comes back unless the client is gone or
/// did not take the frame in time.
async fn write(mut session: Session, outgoing: Outgoing, write_timeout: Duration) -> Option<Session> {
    let written = match outgoing {
        Outgoing::Text(text) => tokio::time::timeout(write_timeout, session.text(text)).await,
        Outgoing::Ping => tokio::time::timeout(write_timeout, session.ping(b"")).await,
        Outgoing::Pong(bytes) => tokio::time::timeout(write_timeout, session.pong(&bytes)).await,
    };
    matches!(written, Ok(Ok(()))).then_some(session)
}
