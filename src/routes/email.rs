//! A member's optional email address and what it is for: a verification
//! link proves it is theirs, and only a verified address can receive a
//! password-reset link. Asking for a reset answers the same whether or not
//! the address belongs to anyone, and the lookup and the mail happen after
//! the answer, so neither the reply nor its timing tells.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Member;
use crate::auth::session::{self, Token, Which};
use crate::db::email_tokens::{self, Purpose};
use crate::db::mail_outbox::NewLetter;
use crate::db::{mail_preferences, users};
use crate::domain::account::{Email, Password};
use crate::domain::mail::MailPreferences;
use crate::error::ApiResult;
use crate::mail;
use crate::safety::limits::{Counted, count_attempt};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/me/email").route(web::put().to(set)).route(web::delete().to(remove)))
        .service(web::resource("/email-verifications/{token}").route(web::post().to(verify)))
        .service(web::resource("/password-resets").route(web::post().to(request_reset)))
        .service(web::resource("/password-resets/{token}").route(web::post().to(reset)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailDraft {
    /// At most 254 characters; stored lower-cased.
    email: String,
}

#[utoipa::path(put, path = "/api/v1/me/email", tag = "email", request_body = EmailDraft,
    description = "Set the member's email address; a verification link is mailed to it, and it is unverified until used.",
    responses((status = 202), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set(state: web::Data<AppState>, member: Member, body: web::Json<EmailDraft>) -> ApiResult<HttpResponse> {
    let email = Email::parse(&body.email)?;
    let ttl = state.settings.email_verification_ttl_seconds;
    let (name, origin, configured) =
        (state.instance.current().name.clone(), state.public_origin.clone(), state.mailer.is_configured());
    state
        .db
        .write_unseen(move |connection| {
            users::set_email(connection, member.user_id, Some(&email))?;
            let token = email_tokens::issue(connection, member.user_id, Purpose::VerifyEmail, ttl)?;
            let subject = format!("Confirm your email address for {name}");
            let body = format!(
                "Someone (we hope you) added this address to an account on {name}.\n\n\
                 To confirm it, open this link within {hours} hours:\n\n{link}\n\n\
                 If it wasn't you, ignore this letter and the address will not be used.\n",
                hours = ttl.div_ceil(3600),
                link = link(&origin, "verify-email", &token),
            );
            let letter = NewLetter {
                address: email.as_str(),
                user_id: None,
                kind: "verify_email",
                subject: &subject,
                text_body: &body,
                html_body: None,
            };
            mail::queue_unless_off(connection, configured, &[letter])
        })
        .await?;
    state.mailer.wake();
    Ok(HttpResponse::Accepted().finish())
}

#[utoipa::path(delete, path = "/api/v1/me/email", tag = "email",
    description = "Remove the member's email address (password resets then need an admin).",
    responses((status = 204)))]
pub async fn remove(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    state.db.write_unseen(move |connection| users::set_email(connection, member.user_id, None)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/email-verifications/{token}",
    params(("token" = String, Path, description = "The token from the link in the letter.")), tag = "email",
    description = "Use a verification link (once, before it expires).",
    responses((status = 204), (status = 409, body = crate::error::ErrorBody), (status = 410, body = crate::error::ErrorBody)))]
pub async fn verify(state: web::Data<AppState>, token: web::Path<String>) -> ApiResult<HttpResponse> {
    let token = Token::from_client(&token);
    let (mornings, now) = (state.mornings.clone(), state.mail_clock.now());
    state
        .db
        .write_unseen(move |connection| {
            let user_id = email_tokens::consume(connection, &token, Purpose::VerifyEmail)?;
            users::verify_email(connection, user_id)?;
            // A verified address gets the default mail and digest schedule.
            if !mail_preferences::exists(connection, user_id)? {
                let defaults = MailPreferences::default();
                mail_preferences::save(connection, user_id, &defaults, mornings.schedule(&defaults, now))?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/password-resets", tag = "email", request_body = EmailDraft,
    description = "Ask for a password-reset link. The answer is 202 whether or not the address belongs to an \\
    account; only a verified address receives the link. Each address may be asked about a few times an hour \\
    (`password_resets_per_hour`), whether or not it belongs to an account.",
    responses((status = 202), (status = 422, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub async fn request_reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<EmailDraft>,
) -> ApiResult<HttpResponse> {
    let email = Email::parse(&body.email)?;
    count_attempt(&state, &request, Counted::PasswordResetForEmail, Some(email.as_str())).await?;
    let state = state.into_inner();
    tokio::spawn(async move {
        if let Err(error) = send_reset(&state, email).await {
            tracing::warn!(%error, "a password-reset request failed");
        }
    });
    Ok(HttpResponse::Accepted().finish())
}

/// Mails a reset link to `email` if it is an account's verified address.
pub async fn send_reset(state: &AppState, email: Email) -> ApiResult<()> {
    let ttl = state.settings.password_reset_ttl_seconds;
    let (name, origin, configured) =
        (state.instance.current().name.clone(), state.public_origin.clone(), state.mailer.is_configured());
    state
        .db
        .write_unseen(move |connection| {
            let Some(user_id) = users::by_verified_email(connection, &email)? else { return Ok(()) };
            let token = email_tokens::issue(connection, user_id, Purpose::ResetPassword, ttl)?;
            let subject = format!("Reset your {name} password");
            let body = format!(
                "Someone (we hope you) asked to reset the password of your account on {name}.\n\n\
                 To choose a new password, open this link within {minutes} minutes. It works once:\n\n{link}\n\n\
                 If it wasn't you, ignore this letter: your password stays as it is.\n",
                minutes = ttl.div_ceil(60),
                link = link(&origin, "reset-password", &token),
            );
            let letter = NewLetter {
                address: email.as_str(),
                user_id: Some(user_id),
                kind: "password_reset",
                subject: &subject,
                text_body: &body,
                html_body: None,
            };
            mail::queue_unless_off(connection, configured, &[letter])
        })
        .await?;
    state.mailer.wake();
    Ok(())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    /// At least 10 characters.
    password: String,
}

#[utoipa::path(post, path = "/api/v1/password-resets/{token}",
    params(("token" = String, Path, description = "The token from the link in the letter.")), tag = "email", request_body = NewPassword,
    description = "Use a reset link (once, before it expires) to set a new password; every session of the account ends.",
    responses((status = 204), (status = 410, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reset(
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Json<NewPassword>,
) -> ApiResult<HttpResponse> {
    let password = Password::parse(body.into_inner().password)?;
    let token = Token::from_client(&token);
    let password_hash = state.passwords.hash(&password).await?;
    let origin = state.hub.process_id;
    let ended = state
        .db
        .write_unseen(move |connection| {
            let user_id = email_tokens::consume(connection, &token, Purpose::ResetPassword)?;
            users::set_password(connection, user_id, password_hash)?;
            session::end(connection, user_id, Which::All, origin)
        })
        .await?;
    state.hub.deliver(&ended);
    Ok(HttpResponse::NoContent().finish())
}

/// A link to the web client's page for a token. The token travels in the
/// fragment, which browsers never send to the server, so it stays out of
/// every access log on the way.
fn link(public_origin: &str, page: &str, token: &Token) -> String {
    format!("{public_origin}/{page}#token={}", token.expose())
}
