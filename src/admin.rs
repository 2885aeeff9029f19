//! The instance admin's command-line operations, run against the database
//! directly (the server need not be running).

use std::io::{BufRead, IsTerminal};

use diesel::Connection;

use crate::auth::password::hash_blocking;
use crate::auth::session::{self, Which};
use crate::config::Settings;
use crate::db::{self, AnyConnection, DatabaseUrl};
use crate::domain::account::{DisplayName, Password, Username};
use crate::error::ApiError;
use crate::live::broker::NO_PROCESS;
use crate::privacy::erase::{self, RequestedBy};
use crate::routes::communities::CommunityDraft;

/// Opens the configured database and brings its schema up to date.
pub fn connect(settings: &Settings) -> anyhow::Result<AnyConnection> {
    let mut connection = DatabaseUrl::parse(&settings.database_url)?.connect()?;
    db::run_migrations(&mut connection)?;
    Ok(connection)
}

/// Runs `change` in one transaction, with its error as a sentence.
pub(crate) fn in_transaction<T>(
    connection: &mut AnyConnection,
    change: impl FnOnce(&mut AnyConnection) -> Result<T, ApiError>,
) -> anyhow::Result<T> {
    connection.transaction(change).map_err(|error| anyhow::anyhow!("{error}"))
}

/// Reads a new password: a hidden prompt (asked twice) on a terminal, or
/// two identical lines on standard input otherwise.
pub fn read_new_password() -> anyhow::Result<Password> {
    let (first, second) = if std::io::stdin().is_terminal() {
        (rpassword::prompt_password("New password: ")?, rpassword::prompt_password("Repeat it: ")?)
    } else {
        let mut lines = std::io::stdin().lock().lines();
        let mut next = || -> anyhow::Result<String> {
            lines.next().transpose()?.ok_or_else(|| anyhow::anyhow!("expected the password twice on standard input"))
        };
        (next()?, next()?)
    };
    if first != second {
        anyhow::bail!("the two passwords differ");
    }
    Password::parse(first).map_err(|error| anyhow::anyhow!("{error}"))
}

pub fn create_user(
    connection: &mut AnyConnection,
    username: &str,
    display_name: Option<&str>,
    is_admin: bool,
    password: &Password,
) -> anyhow::Result<()> {
    let username = Username::parse(username).map_err(|error| anyhow::anyhow!("{error}"))?;
    let display_name =
        DisplayName::parse(display_name.unwrap_or(username.as_str())).map_err(|error| anyhow::anyhow!("{error}"))?;
    let password_hash = hash_blocking(password)?;
    in_transaction(connection, |connection| {
        db::users::create(
            connection,
            db::users::NewUser { username: &username, display_name, password_hash, is_admin, consents: &[] },
        )
    })?;
    Ok(())
}

pub fn create_community(connection: &mut AnyConnection, draft: CommunityDraft) -> anyhow::Result<()> {
    let new = draft.parse().map_err(|error| anyhow::anyhow!("{error}"))?;
    in_transaction(connection, |connection| db::communities::create(connection, new))?;
    Ok(())
}

/// Sets a new password and ends the member's sessions.
pub fn reset_password(connection: &mut AnyConnection, username: &str, password: &Password) -> anyhow::Result<()> {
    let password_hash = hash_blocking(password)?;
    in_transaction(connection, |connection| {
        let user_id = db::users::id_by_username(connection, username)?;
        db::users::set_password(connection, user_id, password_hash)?;
        session::end(connection, user_id, Which::All, NO_PROCESS).map(drop)
    })
}

/// Erases an account on the member's request, by the instance's content
/// policy (see `privacy::erase`). On PostgreSQL, running servers close the
/// member's live connections when this commits.
pub fn erase_user(connection: &mut AnyConnection, settings: &Settings, username: &str) -> anyhow::Result<()> {
    in_transaction(connection, |connection| {
        let user_id = db::users::id_by_username(connection, username)?;
        erase::erase(connection, user_id, settings.erasure_content, RequestedBy::Admin, NO_PROCESS).map(drop)
    })?;
    db::empty_the_log(connection)
}
