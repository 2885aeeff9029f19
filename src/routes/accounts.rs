//! Registration and the signed-in member's own account.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::sessions::{SignedIn, start_session};
use crate::auth::Member;
use crate::db::users::{self, Consent, GUIDELINES, HEALTH_DATA, NewUser};
use crate::domain::account::{DisplayName, Password, Username};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::safety::limits::{Counted, count_attempt};
use crate::state::AppState;

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
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    username: String,
    display_name: String,
    is_admin: bool,
    consents: Vec<ConsentView>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentView {
    /// `guidelines` or `health_data`.
    kind: String,
    version: String,
    accepted_at: Timestamp,
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = Registration,
    responses((status = 201, body = SignedIn), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn register(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<Registration>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let username = Username::parse(&body.username)?;
    let display_name = DisplayName::parse(&body.display_name)?;
    let password = Password::parse(body.password)?;
    if body.guidelines_version != state.instance.guidelines.version {
        return Err(ApiError::invalid(
            "guidelines_outdated",
            "The community guidelines have changed. Please read the current version and accept it.",
        ));
    }
    if !body.health_data_consent {
        return Err(ApiError::invalid(
            "consent_required",
            "To join, please agree to how your health information is used.",
        ));
    }
    count_attempt(&state, &request, Counted::RegistrationFromAddress, None).await?;
    let password_hash = state.passwords.hash(&password).await?;
    let guidelines_version = state.instance.guidelines.version.clone();
    let consent_version = state.instance.health_data_consent.version.clone();
    let user_id = state
        .db
        .write(move |connection| {
            let consents = [
                Consent { kind: GUIDELINES, version: &guidelines_version },
                Consent { kind: HEALTH_DATA, version: &consent_version },
            ];
            users::create(
                connection,
                NewUser { username: &username, display_name, password_hash, is_admin: false, consents: &consents },
            )
        })
        .await?;
    start_session(&state, &request, user_id, actix_web::http::StatusCode::CREATED).await
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = MeView), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<MeView>> {
    let user_id = member.user_id;
    let consents = state.db.read(move |connection| users::consents_of(connection, user_id)).await?;
    Ok(web::Json(MeView {
        username: member.username,
        display_name: member.display_name,
        is_admin: member.is_admin,
        consents: consents
            .into_iter()
            .map(|(kind, version, accepted_at)| ConsentView { kind, version, accepted_at: Timestamp(accepted_at) })
            .collect(),
    }))
}
