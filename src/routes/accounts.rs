//! Registration and the signed-in member's own account: what they
//! accepted (and must accept again, or withdrew), their display name, the
//! welcome after sign-up, and changing their password.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::sessions::{SignedIn, start_session};
use crate::auth::Member;
use crate::auth::session::{self, Which};
use crate::db::users::{self, Consent, GUIDELINES, HEALTH_DATA, NewUser};
use crate::db::{AnyConnection, applications, communities, display_names, invitations, posts};
use crate::discussion::heads;
use crate::domain::account::{DisplayName, Email, Password, Username};
use crate::domain::community::CommunityRole;
use crate::domain::instance::Joining;
use crate::domain::joining::{ApplicationStatus, optional_note};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, FormErrors};
use crate::live::broker;
use crate::policy;
use crate::safety::limits::{Counted, count_attempt};
use crate::safety::{names, participation};
use crate::state::AppState;
use crate::views::support::Support;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// 3-32 letters, digits, `_` or `-`; unique ignoring case.
    username: String,
    /// Up to 64 characters; a pseudonym is fine.
    display_name: String,
    /// At least 10 characters.
    password: String,
    /// The guidelines version the member read (from `GET /api/v1/instance`).
    guidelines_version: String,
    /// Explicit consent to processing health information; must be true.
    health_data_consent: bool,
    /// The code of the invitation link they came by: needed when joining is
    /// by invitation only, and counted for whoever made it.
    #[serde(default)]
    invitation: Option<String>,
    /// Optional; kept unverified. When joining is by approval, the decision is mailed here.
    #[serde(default)]
    email: Option<String>,
    /// When joining is by approval: a few words for the admins (at most 1,000 characters).
    #[serde(default)]
    note: Option<String>,
}

/// An application to join, waiting for an admin (joining by approval).
#[derive(Serialize, ToSchema)]
pub struct ApplicationReceived {
    /// `pending`.
    status: ApplicationStatus,
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    username: String,
    display_name: String,
    is_admin: bool,
    /// Receives urgent (crisis) moderation items from every community.
    is_safeguarding_lead: bool,
    /// The communities the member moderates (their slugs), so a client knows
    /// whether to offer the moderation screens.
    moderates: Vec<String>,
    /// The communities the member is a safeguarding lead of (their slugs).
    safeguards: Vec<String>,
    /// Requests to join waiting in the communities the member moderates (all of them for an admin).
    join_requests: i64,
    /// Applications to join the instance waiting for a decision (admins only; 0 for others).
    applications: i64,
    /// Speaks for the organisation that runs the instance (an admin, or staff):
    /// opens consultations and publishes their responses.
    speaks_for_institution: bool,
    /// The member's email, if they gave one (needed for password resets once verified).
    email: Option<String>,
    email_verified: bool,
    consents: Vec<ConsentView>,
    /// What the member must accept (`POST /api/v1/me/consents`) before posting or chatting:
    /// `guidelines` or `health_data` when a newer version was published (or it was never given, or withdrawn).
    needs_acceptance: Vec<String>,
    /// When the member withdrew their consent to processing health information, if that is
    /// their latest word: they read, but do not post, reply, chat or react until they give it again.
    consent_withdrawn_at: Option<Timestamp>,
    /// Whether to welcome the member (just joined, with no email yet and the welcome not put away).
    welcome: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentView {
    /// `guidelines` or `health_data`.
    kind: String,
    version: String,
    /// When it was given (or withdrawn).
    accepted_at: Timestamp,
    /// This row records withdrawing the consent rather than giving it.
    withdrawn: bool,
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = Registration,
    description = "Register. When joining is by invitation, a usable `invitation` code is needed (403 \
    `invitation_required` without one; 404 `invitation_not_found`, 410 `invitation_expired` or \
    `invitation_revoked`). When joining is by approval, the account waits for an admin (202) and cannot sign \
    in until accepted. A 422 names every wrong field at once (`fields`); with one wrong field it keeps that \
    field's own code, with several its code is `invalid_registration`.",
    responses((status = 201, body = SignedIn), (status = 202, body = ApplicationReceived),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 410, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn register(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<Registration>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let instance = state.instance.current();
    let mut form = FormErrors::default();
    let username = form.check("username", Username::parse(&body.username));
    let display_name = form.check("display_name", DisplayName::parse(&body.display_name));
    let password = form.check("password", Password::parse(body.password));
    let email = body.email.as_deref().map(str::trim).filter(|email| !email.is_empty()).map(Email::parse).transpose();
    let email = form.check("email", email);
    let note = form.check("note", optional_note(body.note.as_deref(), "invalid_note", "Your note"));
    let current = (body.guidelines_version == instance.guidelines.version).then_some(()).ok_or_else(|| {
        ApiError::invalid(
            "guidelines_outdated",
            "The community guidelines have changed. Please read the current version and accept it.",
        )
    });
    let current = form.check("guidelines_version", current);
    let consents = body.health_data_consent.then_some(()).ok_or_else(|| {
        ApiError::invalid("consent_required", "To join, please agree to how your health information is used.")
    });
    let consents = form.check("health_data_consent", consents);
    let (Some(username), Some(display_name), Some(password), Some(email), Some(note), Some(()), Some(())) =
        (username, display_name, password, email, note, current, consents)
    else {
        return Err(form.into_error("invalid_registration"));
    };
    let invitation = body.invitation.as_deref().map(str::trim).filter(|code| !code.is_empty()).map(str::to_owned);
    if instance.joining == Joining::Invitation && invitation.is_none() {
        return Err(ApiError::forbidden_because(
            "invitation_required",
            "You need an invitation link to join. Ask a member to send you one.",
        ));
    }
    let by_approval = instance.joining == Joining::Approval;
    count_attempt(&state, &request, Counted::RegistrationFromAddress, None).await?;
    let password_hash = state.passwords.hash(&password).await?;
    let guidelines_version = instance.guidelines.version.clone();
    let consent_version = instance.health_data_consent.version.clone();
    let shared = state.clone();
    let (user_id, support) = state
        .db
        .write(move |connection| {
            let invitation = invitation.map(|code| invitations::usable(connection, &code)).transpose()?;
            let screened = names::screen(connection, &shared.safety, display_name)?;
            let consents = [
                Consent { kind: GUIDELINES, version: &guidelines_version },
                Consent { kind: HEALTH_DATA, version: &consent_version },
            ];
            let display_name = screened.name.clone();
            let user_id = users::create(
                connection,
                NewUser { username: &username, display_name, password_hash, is_admin: false, consents: &consents },
            )?;
            screened.queue_if_asked(connection, user_id)?;
            if let Some(email) = &email {
                users::set_email(connection, user_id, Some(email))?;
            }
            let invitation_id = invitation.map(|row| row.id);
            if by_approval {
                applications::create(connection, user_id, note.as_deref(), invitation_id)?;
            } else if let Some(invitation_id) = invitation_id {
                invitations::record_join(connection, invitation_id, user_id)?;
                crate::notify::goals::recruited(connection, invitation_id)?;
            }
            Ok((user_id, screened.show_helplines.then(|| shared.safety.support())))
        })
        .await?;
    if by_approval {
        return Ok(HttpResponse::Accepted().json(ApplicationReceived {
            status: ApplicationStatus::Pending,
            message: "Thank you. Your application is waiting for an admin; you can sign in once it is accepted."
                .to_owned(),
        }));
    }
    start_session(&state, &request, user_id, actix_web::http::StatusCode::CREATED, support).await
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = MeView), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<MeView>> {
    let user_id = member.user_id;
    let asking = member.clone();
    let (consents, (email, verified_at), latest, (moderates, safeguards), (join_requests, staff), awaits_welcome) =
        state
            .db
            .read(move |connection| {
                Ok((
                    users::consents_of(connection, user_id)?,
                    users::email_of(connection, user_id)?,
                    users::latest_consents(connection, user_id)?,
                    moderated_slugs(connection, user_id)?,
                    (
                        communities::pending_request_count(connection, &asking)?,
                        crate::consultation::is_staff(connection, user_id)?,
                    ),
                    users::awaits_welcome(connection, user_id)?,
                ))
            })
            .await?;
    let applications = if policy::decide_applications(&member).is_ok() {
        state.db.read(applications::pending_count).await?
    } else {
        0
    };
    let speaks_for_institution = policy::speak_for_institution(&member, staff).is_ok();
    let mut needs_acceptance = Vec::new();
    let instance = state.instance.current();
    if latest.guidelines.as_deref() != Some(instance.guidelines.version.as_str()) {
        needs_acceptance.push(GUIDELINES.to_owned());
    }
    if latest.health_data.as_deref() != Some(instance.health_data_consent.version.as_str()) {
        needs_acceptance.push(HEALTH_DATA.to_owned());
    }
    Ok(web::Json(MeView {
        username: member.username,
        display_name: member.display_name,
        is_admin: member.is_admin,
        is_safeguarding_lead: member.is_safeguarding_lead,
        moderates,
        safeguards,
        join_requests,
        applications,
        speaks_for_institution,
        welcome: awaits_welcome && email.is_none(),
        email,
        email_verified: verified_at.is_some(),
        needs_acceptance,
        consent_withdrawn_at: latest.health_data_withdrawn_at.map(Timestamp),
        consents: consents
            .into_iter()
            .map(|(kind, version, accepted_at, withdrawn)| ConsentView {
                kind,
                version,
                accepted_at: Timestamp(accepted_at),
                withdrawn,
            })
            .collect(),
    }))
}

/// The slugs of the communities a member moderates, in name order.
/// Slugs of the communities a member moderates, and of those they are safeguarding lead of.
fn moderated_slugs(connection: &mut AnyConnection, user_id: i64) -> ApiResult<(Vec<String>, Vec<String>)> {
    let roles = communities::roles_of(connection, user_id)?;
    let led = crate::db::safeguarding::communities_led_by(connection, user_id)?;
    let all = communities::all(connection)?;
    let slugs =
        |keep: &dyn Fn(i64) -> bool| all.iter().filter(|row| keep(row.id)).map(|row| row.slug.clone()).collect();
    Ok((slugs(&|id| roles.get(&id) == Some(&CommunityRole::Moderator)), slugs(&|id| led.contains(&id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentDraft {
    /// `guidelines` or `health_data`.
    kind: String,
    /// The version accepted: the current one, from `GET /api/v1/instance`.
    version: String,
}

#[utoipa::path(post, path = "/api/v1/me/consents", tag = "accounts", request_body = ConsentDraft,
    description = "Accept the current guidelines (after an admin publishes a new version) or give the consent to \
    processing health information. The version must be the current one.",
    responses((status = 201, body = MeView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn accept(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<ConsentDraft>,
) -> ApiResult<HttpResponse> {
    let ConsentDraft { kind, version } = body.into_inner();
    let instance = state.instance.current();
    let (kind, current) = match kind.as_str() {
        GUIDELINES => (GUIDELINES, &instance.guidelines.version),
        HEALTH_DATA => (HEALTH_DATA, &instance.health_data_consent.version),
        _ => return Err(ApiError::invalid("invalid_consent", "Consent is given to `guidelines` or `health_data`.")),
    };
    if &version != current {
        return Err(ApiError::invalid(
            "guidelines_outdated",
            "That is not the current version. Please read the current version and accept it.",
        ));
    }
    let user_id = member.user_id;
    state
        .db
        .write(move |connection| users::record_consent(connection, user_id, &Consent { kind, version: &version }))
        .await?;
    let view = me(state, member).await?;
    Ok(HttpResponse::Created().json(view.into_inner()))
}

#[utoipa::path(delete, path = "/api/v1/me/consents/health_data", tag = "accounts",
    description = "Withdraw the consent to processing health information, short of erasing the account. The member \
    still reads, but posting, replying, chatting and reacting are refused (403 `consent_withdrawn`) until they give \
    it again (`POST /api/v1/me/consents`); their existing posts stay. Withdrawing what is not given is a 409.",
    responses((status = 200, body = MeView), (status = 401, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn withdraw(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<MeView>> {
    let user_id = member.user_id;
    state.db.write(move |connection| users::withdraw_health_data_consent(connection, user_id)).await?;
    me(state, member).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayNameChange {
    /// Up to 64 characters; a pseudonym is fine.
    display_name: String,
}

/// The display name as it is now.
#[derive(Serialize, ToSchema)]
pub struct DisplayNameChanged {
    display_name: String,
    /// Helplines, when the new name suggests the member may be at risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    support: Option<Support>,
}

#[utoipa::path(put, path = "/api/v1/me/display-name", tag = "accounts", request_body = DisplayNameChange,
    description = "Change one's display name (not while suspended: 403): checked and screened as at registration (422 `invalid_display_name`, \
    `blocked_by_filter` or `display_name_refused`; 409 `display_name_taken`), at most three times in 30 days (429 \
    `display_name_change_limit`). The previous name is kept for moderators (`GET /api/v1/members/{username}/names`); \
    every page shows the new one at once.",
    responses((status = 200, body = DisplayNameChanged), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub async fn change_display_name(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<DisplayNameChange>,
) -> ApiResult<web::Json<DisplayNameChanged>> {
    let name = DisplayName::parse(&body.into_inner().display_name)?;
    let (user_id, shared, origin) = (member.user_id, state.clone(), state.hub.process_id);
    let (changed, note) = state
        .db
        .write(move |connection| {
            // A suspended member keeps their name until the suspension ends.
            participation::ensure_active(connection, user_id)?;
            let screened = names::screen(connection, &shared.safety, name)?;
            display_names::change(connection, user_id, &screened.name)?;
            heads::refresh(connection, posts::Which::By(user_id))?;
            screened.queue_if_asked(connection, user_id)?;
            let changed = DisplayNameChanged {
                display_name: screened.name.as_str().to_owned(),
                support: screened.show_helplines.then(|| shared.safety.support()),
            };
            Ok((changed, broker::account_changed(connection, user_id, origin)?))
        })
        .await?;
    state.hub.deliver(&note);
    Ok(web::Json(changed))
}

#[utoipa::path(delete, path = "/api/v1/me/welcome", tag = "accounts",
    description = "Put away the welcome shown after sign-up; it is not shown again.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub async fn dismiss_welcome(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    let user_id = member.user_id;
    state.db.write(move |connection| users::dismiss_welcome(connection, user_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    /// At least 10 characters.
    new_password: String,
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordChange,
    description = "Change the password; every other session ends (and its live connection closes).",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn change_password(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let PasswordChange { current_password, new_password } = body.into_inner();
    let password = Password::parse(new_password)?;
    confirm_password(&state, member.user_id, &current_password).await?;
    let password_hash = state.passwords.hash(&password).await?;
    let (user_id, keep, origin) = (member.user_id, member.session_id, state.hub.process_id);
    let ended = state
        .db
        .write(move |connection| {
            users::set_password(connection, user_id, password_hash)?;
            session::end(connection, user_id, Which::AllBut(keep), origin)
        })
        .await?;
    state.hub.deliver(&ended);
    Ok(HttpResponse::NoContent().finish())
}

/// Refuses a sensitive change unless `password` is the member's current one.
pub async fn confirm_password(state: &AppState, user_id: i64, password: &str) -> ApiResult<()> {
    let stored = state.db.read(move |connection| users::password_hash(connection, user_id)).await?;
    if state.passwords.verify(password, Some(stored)).await? {
        Ok(())
    } else {
        Err(ApiError::forbidden_because("wrong_password", "That is not your current password."))
    }
}
