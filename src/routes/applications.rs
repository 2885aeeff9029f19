//! Applications to join the instance (joining by approval): admins list
//! those waiting and accept or decline each. The decision is recorded in
//! the admin log and mailed to the applicant when they gave an address;
//! signing in tells them too.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::communities::{Decision, DecisionKind};
use crate::auth::Member;
use crate::db::mail_outbox::NewLetter;
use crate::db::{admin_log, applications, invitations, users};
use crate::domain::joining::{ApplicationStatus, optional_note};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::mail;
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/admin/applications").route(web::get().to(list)))
        .service(web::resource("/admin/applications/{username}").route(web::post().to(decide)));
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationView {
    username: String,
    display_name: String,
    /// What the applicant wrote for the admins.
    note: Option<String>,
    applied_at: Timestamp,
    /// They gave an email address, so the decision is mailed to them.
    has_email: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationList {
    /// Oldest first (at most 100).
    applications: Vec<ApplicationView>,
}

#[utoipa::path(get, path = "/api/v1/admin/applications", tag = "admin",
    description = "Applications to join the instance waiting for a decision, oldest first.",
    responses((status = 200, body = ApplicationList), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<ApplicationList>> {
    policy::decide_applications(&member)?;
    let rows = state.db.read(applications::pending).await?;
    let applications = rows
        .into_iter()
        .map(|row| ApplicationView {
            username: row.username,
            display_name: row.display_name,
            note: row.note,
            applied_at: Timestamp(row.applied_at),
            has_email: row.has_email,
        })
        .collect();
    Ok(web::Json(ApplicationList { applications }))
}

#[utoipa::path(post, path = "/api/v1/admin/applications/{username}", tag = "admin",
    params(("username" = String, Path, description = "The applicant's username.")), request_body = Decision,
    description = "Accept or refuse an application to join. `refuse` declines it; the applicant is told (by email \
    when they gave one, with the message if there is one) and an accepted applicant can sign in.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn decide(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
    body: web::Json<Decision>,
) -> ApiResult<HttpResponse> {
    policy::decide_applications(&member)?;
    let username = username.into_inner();
    let Decision { decision, message } = body.into_inner();
    let message = optional_note(message.as_deref(), "too_long", "A message with a decision")?;
    let status =
        if decision == DecisionKind::Accept { ApplicationStatus::Accepted } else { ApplicationStatus::Declined };
    let (name, origin, configured) =
        (state.instance.current().name.clone(), state.public_origin.clone(), state.mailer.is_configured());
    state
        .db
        .write(move |connection| {
            let user_id = users::id_by_username(connection, &username)?;
            let invitation = applications::decide(connection, user_id, status, member.user_id, message.as_deref())?;
            if status == ApplicationStatus::Accepted
                && let Some(invitation_id) = invitation
            {
                invitations::record_join(connection, invitation_id, user_id)?;
                crate::notify::goals::recruited(connection, invitation_id)?;
            }
            let action = format!("application_{}", status.as_str());
            admin_log::record_action(connection, member.user_id, &action, &username)?;
            if let (Some(address), _) = users::email_of(connection, user_id)? {
                let (subject, body) = letter(&name, &origin, status, message.as_deref());
                let letter = NewLetter {
                    address: &address,
                    user_id: None,
                    kind: "application_decided",
                    subject: &subject,
                    text_body: &body,
                    html_body: None,
                };
                mail::queue_unless_off(connection, configured, &[letter])?;
            }
            Ok(())
        })
        .await?;
    state.mailer.wake();
    Ok(HttpResponse::NoContent().finish())
}

/// The letter telling an applicant the decision: (subject, text).
fn letter(instance: &str, origin: &str, status: ApplicationStatus, message: Option<&str>) -> (String, String) {
    let said = message.map(|message| format!("\n\nThe admin wrote:\n\n{message}")).unwrap_or_default();
    if status == ApplicationStatus::Accepted {
        (
            format!("Welcome to {instance}"),
            format!(
                "Your application to join {instance} was accepted. You can sign in now:\n\n{origin}/sign-in{said}\n"
            ),
        )
    } else {
        (
            format!("Your application to join {instance}"),
            format!("We're sorry: your application to join {instance} was not accepted.{said}\n"),
        )
    }
}
