//! First run without a terminal: while the instance has no admin, each
//! start prints (and logs) a one-time setup link, and opening it lets a
//! person create the first admin account. The link stops working once it
//! is used or an admin exists by any other way (`kindred admin create-user`).

use crate::db::users::{self, Consent, GUIDELINES, HEALTH_DATA, NewUser};
use crate::db::{AnyConnection, setup_links};
use crate::domain::account::{DisplayName, Email, Username};
use crate::error::{ApiError, ApiResult};
use crate::instance::Instance;

/// Issues a setup link when the instance has no admin, prints it and logs
/// it, and returns it; `public_origin` is where members reach the server.
pub fn announce(connection: &mut AnyConnection, public_origin: &str) -> anyhow::Result<Option<String>> {
    let issued = setup_links::issue_if_needed(connection).map_err(|error| anyhow::anyhow!("{error}"))?;
    let Some(token) = issued else { return Ok(None) };
    let link = format!("{public_origin}/setup/{}", token.expose());
    println!("This instance has no admin yet. To create the first admin account, open {link}");
    tracing::info!(%link, "no admin yet: open the setup link to create the first admin account");
    Ok(Some(link))
}

/// The first admin, parsed.
pub struct FirstAdmin {
    pub username: Username,
    pub display_name: DisplayName,
    pub email: Option<Email>,
}

/// Creates the first admin with `password_hash` if `token` is a setup link
/// that still works (a 410 otherwise), ending every setup link. The admin
/// accepts the guidelines and consent text in force, as the person who publishes them.
pub fn create_first_admin(
    connection: &mut AnyConnection,
    token: &crate::auth::session::Token,
    admin: FirstAdmin,
    password_hash: String,
    instance: &Instance,
) -> ApiResult<i64> {
    if !setup_links::consume(connection, token)? {
        return Err(link_gone());
    }
    let consents = [
        Consent { kind: GUIDELINES, version: &instance.guidelines.version },
        Consent { kind: HEALTH_DATA, version: &instance.health_data_consent.version },
    ];
    let user_id = users::create(
        connection,
        NewUser {
            username: &admin.username,
            display_name: admin.display_name,
            password_hash,
            is_admin: true,
            consents: &consents,
        },
    )?;
    if let Some(email) = &admin.email {
        users::set_email(connection, user_id, Some(email))?;
    }
    Ok(user_id)
}

/// A setup link that was used, or whose instance has an admin now.
pub fn link_gone() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::GONE,
        "setup_link_used",
        "This setup link does not work: it was used already, or this community has an admin. Please sign in (an \
         instance without an admin prints a new link each time it starts).",
    )
}
