//! The background task every process runs for event reminders: a day and
//! an hour before an event, everyone going is told (and mailed, as their
//! mail preferences for events say). Each reminder is taken by marking the
//! event in the statement that picks it, so with several processes on one
//! database each is sent once.

use std::sync::Arc;
use std::time::Duration;

use crate::db::events;
use crate::domain::following::NotificationKind;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::state::AppState;

/// How often each process looks (a read while nothing is due).
const SWEEP: Duration = Duration::from_secs(2);

/// Runs for the life of the process.
pub async fn run(state: Arc<AppState>) {
    let mut ticks = tokio::time::interval(SWEEP);
    loop {
        ticks.tick().await;
        if let Err(error) = sweep(&state).await {
            tracing::warn!(code = error.code(), "the event reminder sweep failed; it runs again shortly");
        }
    }
}

async fn sweep(state: &Arc<AppState>) -> ApiResult<()> {
    let now = Timestamp::now().0;
    if !state.db.read(move |connection| events::any_reminder_due(connection, now)).await? {
        return Ok(());
    }
    let origin = state.hub.process_id;
    let note = state
        .db
        .write(move |connection| {
            let mut told = Vec::new();
            for day in [false, true] {
                for (event_id, going) in events::take_reminders(connection, now, day)? {
                    super::tell_each(connection, &going, NotificationKind::EventReminder, event_id, None)?;
                    told.extend(going);
                }
            }
            super::announce(connection, told, origin)
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(())
}
