//! What mail a member gets: per kind of news immediately, in a daily or
//! weekly digest, or never; whether letters may name places and people;
//! their time zone for digests; and a moderator's daily queue digest. The
//! one-click unsubscribe link every such letter carries works without a
//! session and turns off only the one kind it names, for its one member.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::{mail_preferences, users};
use crate::domain::mail::{Cadence, MailKind, MailPreferences, TimeZoneName};
use crate::error::{ApiError, ApiResult};
use crate::mail::unsubscribe;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/me/mail-preferences").route(web::get().to(show)).route(web::patch().to(change)))
        .service(web::resource("/mail-unsubscribe/{token}").route(web::post().to(unsubscribe_one_click)));
}

/// How often each kind of news is mailed.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Cadences {
    replies: Option<Cadence>,
    mentions: Option<Cadence>,
    watched: Option<Cadence>,
    moderation: Option<Cadence>,
    /// Events the member is going to (once events exist).
    events: Option<Cadence>,
}

#[derive(Serialize, ToSchema)]
pub struct PreferencesView {
    kinds: Cadences,
    /// Whether letters name the community, thread, author and quote the post.
    include_details: bool,
    /// The member's time zone for digests; none: the instance's.
    time_zone: Option<String>,
    instance_time_zone: String,
    /// The local hour digests are sent at.
    digest_hour: u8,
    /// A daily count of the moderation queue (for moderators).
    moderator_digest: bool,
    /// Mail goes only to a verified address.
    email_verified: bool,
}

/// Changes to a member's preferences; what is left out stays as it is.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesChange {
    #[serde(default)]
    kinds: Cadences,
    include_details: Option<bool>,
    /// An IANA name such as `Europe/London`, or `null` (or empty) for the instance's.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    time_zone: Option<Option<String>>,
    moderator_digest: Option<bool>,
}

/// Tells a field sent as `null` from one left out.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

fn view(state: &AppState, preferences: &MailPreferences, email_verified: bool) -> PreferencesView {
    let cadence = |kind| Some(preferences.cadence(kind));
    PreferencesView {
        kinds: Cadences {
            replies: cadence(MailKind::Replies),
            mentions: cadence(MailKind::Mentions),
            watched: cadence(MailKind::Watched),
            moderation: cadence(MailKind::Moderation),
            events: cadence(MailKind::Events),
        },
        include_details: preferences.include_details,
        time_zone: preferences.time_zone.as_ref().map(|zone| zone.as_str().to_owned()),
        instance_time_zone: state.settings.instance_time_zone.clone(),
        digest_hour: state.settings.digest_hour,
        moderator_digest: preferences.moderator_digest,
        email_verified,
    }
}

#[utoipa::path(get, path = "/api/v1/me/mail-preferences", tag = "email",
    description = "The member's mail preferences (the defaults until they choose: replies and mentions immediately, the rest weekly).",
    responses((status = 200, body = PreferencesView)))]
pub async fn show(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<PreferencesView>> {
    let (preferences, verified) = state
        .db
        .read(move |connection| {
            let verified = users::email_of(connection, member.user_id)?.1.is_some();
            Ok((mail_preferences::of(connection, member.user_id)?, verified))
        })
        .await?;
    Ok(web::Json(view(&state, &preferences, verified)))
}

#[utoipa::path(patch, path = "/api/v1/me/mail-preferences", tag = "email", request_body = PreferencesChange,
    description = "Change the member's mail preferences; each cadence is `immediately`, `daily`, `weekly` or `never`.",
    responses((status = 200, body = PreferencesView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn change(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<PreferencesChange>,
) -> ApiResult<web::Json<PreferencesView>> {
    let change = body.into_inner();
    let time_zone = match change.time_zone {
        Some(Some(name)) if !name.trim().is_empty() => Some(Some(TimeZoneName::parse(&name)?)),
        Some(_) => Some(None),
        None => None,
    };
    let (mornings, now) = (state.mornings.clone(), state.mail_clock.now());
    let (preferences, verified) = state
        .db
        .write_unseen(move |connection| {
            let mut preferences = mail_preferences::of(connection, member.user_id)?;
            let kinds = &change.kinds;
            for (kind, chosen) in [
                (MailKind::Replies, kinds.replies),
                (MailKind::Mentions, kinds.mentions),
                (MailKind::Watched, kinds.watched),
                (MailKind::Moderation, kinds.moderation),
                (MailKind::Events, kinds.events),
            ] {
                if let Some(cadence) = chosen {
                    preferences.set(kind, cadence);
                }
            }
            preferences.include_details = change.include_details.unwrap_or(preferences.include_details);
            preferences.moderator_digest = change.moderator_digest.unwrap_or(preferences.moderator_digest);
            if let Some(time_zone) = time_zone {
                preferences.time_zone = time_zone;
            }
            mail_preferences::save(connection, member.user_id, &preferences, mornings.schedule(&preferences, now))?;
            let verified = users::email_of(connection, member.user_id)?.1.is_some();
            Ok((preferences, verified))
        })
        .await?;
    Ok(web::Json(view(&state, &preferences, verified)))
}

#[derive(Serialize, ToSchema)]
pub struct Unsubscribed {
    /// What was turned off: a kind (`replies`, ...), `daily_digest`, `weekly_digest` or `queue_digest`.
    topic: String,
}

#[utoipa::path(post, path = "/api/v1/mail-unsubscribe/{token}",
    params(("token" = String, Path, description = "The token from the letter's List-Unsubscribe address.")), tag = "email",
    description = "One-click unsubscribe (RFC 8058): works without a session and turns off the one kind of mail the \\
    token names, for its member only. The body (`List-Unsubscribe=One-Click`) is not needed.",
    responses((status = 200, body = Unsubscribed), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unsubscribe_one_click(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<web::Json<Unsubscribed>> {
    let invalid = || ApiError::new(StatusCode::NOT_FOUND, "invalid_link", "This unsubscribe link is not valid.");
    let claim = unsubscribe::read(&token).ok_or_else(invalid)?;
    let (mornings, now) = (state.mornings.clone(), state.mail_clock.now());
    let topic = claim.topic;
    state
        .db
        .write_unseen(move |connection| {
            let key = mail_preferences::unsubscribe_key(connection, claim.user_id)?;
            if !key.is_some_and(|key| claim.is_signed_with(&key)) {
                return Err(invalid());
            }
            let mut preferences = mail_preferences::of(connection, claim.user_id)?;
            preferences.turn_off(claim.topic);
            mail_preferences::save(connection, claim.user_id, &preferences, mornings.schedule(&preferences, now))
        })
        .await?;
    Ok(web::Json(Unsubscribed { topic: topic.as_str().to_owned() }))
}
