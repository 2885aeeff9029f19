//! The OpenAPI description of the JSON API, served at `/api/v1/openapi.json`.

use actix_web::HttpResponse;
use utoipa::openapi::{Content, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    accounts, admin_settings, applications, badges, blocks, calendars, communities, community_admin, consultations,
    directory, email, events, follows, goals, instance, invitations, mail_preferences, member_admin, members,
    moderation, moderation_log, notifications, organisers, posts, privacy, reading, reports, rooms, safety_settings,
    search, sessions, setup, stories, support, threads,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kindred API",
        description = "Kindred's JSON API. Errors are `{\"error\": {\"code\", \"message\"}}`. \
        Browsers authenticate with the session cookie (state-changing requests must come from Kindred's own origin); \
        other clients send `Authorization: Bearer <token>`. Live chat runs over the websocket at `/api/v1/live` \
        (see docs/live.md), and so do notifications."
    ),
    paths(
        instance::get,
        accounts::register,
        accounts::me,
        accounts::accept,
        accounts::withdraw,
        accounts::change_display_name,
        accounts::dismiss_welcome,
        accounts::change_password,
        sessions::sign_in,
        sessions::sign_out,
        sessions::list,
        sessions::end_one,
        sessions::end_others,
        blocks::list,
        blocks::block,
        blocks::unblock,
        members::get,
        members::names,
        email::set,
        email::remove,
        email::verify,
        email::request_reset,
        email::reset,
        mail_preferences::show,
        mail_preferences::change,
        mail_preferences::unsubscribe_one_click,
        privacy::start_export,
        privacy::get_export,
        privacy::erase_self,
        privacy::erase_member,
        communities::list,
        communities::create,
        communities::get,
        communities::join,
        communities::leave,
        communities::requests,
        communities::decide,
        communities::appoint,
        communities::dismiss,
        threads::list,
        threads::create,
        threads::get,
        threads::reply,
        posts::edit,
        posts::delete,
        posts::revisions,
        posts::react,
        posts::unreact,
        rooms::list,
        rooms::create,
        rooms::archive,
        rooms::history,
        rooms::delete_message,
        rooms::mute,
        rooms::unmute,
        reports::file,
        reports::mine,
        moderation::queue_page,
        moderation::item,
        moderation::claim,
        moderation::unclaim,
        moderation::act,
        moderation::reverse,
        moderation::notes,
        moderation::add_note,
        moderation_log::log_page,
        moderation_log::export,
        moderation_log::mine,
        moderation_log::appeal,
        moderation_log::open_appeals,
        moderation_log::decide,
        safety_settings::list,
        safety_settings::create,
        safety_settings::delete,
        safety_settings::set_community_safety,
        safety_settings::appoint_lead,
        safety_settings::stand_down_lead,
        safety_settings::appoint_community_lead,
        safety_settings::stand_down_community_lead,
        safety_settings::community_leads,
        consultations::open,
        consultations::list,
        consultations::show,
        consultations::support,
        consultations::withdraw_support,
        consultations::respond,
        consultations::export,
        stories::instance,
        stories::community,
        stories::set_reach,
        support::open,
        support::list,
        support::show,
        support::write,
        support::close,
        reading::reading,
        reading::mark,
        follows::thread_level,
        follows::follow_thread,
        follows::unfollow_thread,
        follows::community_level,
        follows::follow_community,
        follows::unfollow_community,
        notifications::list,
        notifications::read_one,
        notifications::read_all,
        search::search,
        setup::check,
        setup::create_admin,
        admin_settings::read,
        admin_settings::change,
        admin_settings::log_page,
        community_admin::edit,
        community_admin::archive,
        community_admin::reopen,
        community_admin::delete,
        member_admin::find,
        member_admin::end_sessions,
        member_admin::send_reset_link,
        invitations::mine,
        invitations::make,
        invitations::withdraw,
        invitations::check,
        invitations::totals,
        applications::list,
        applications::decide,
        badges::grant,
        badges::remove,
        directory::search,
        directory::suggest,
        directory::get,
        directory::review,
        directory::remove,
        directory::suggestions,
        directory::saved,
        directory::save,
        directory::unsave,
        directory::hsds_export,
        directory::hsds_import,
        communities::moderators,
        organisers::list,
        organisers::appoint,
        organisers::remove,
        events::upcoming,
        events::create,
        events::get,
        events::edit,
        events::cancel,
        events::answer,
        events::answers,
        events::record_attendance,
        events::attendance,
        events::series,
        goals::list,
        goals::create,
        goals::get,
        goals::edit,
        goals::close,
        goals::pledge,
        goals::progress,
        goals::my_entries,
        goals::log,
        goals::undo,
        calendars::community_feed,
        calendars::one_event,
        calendars::make_link,
        calendars::links,
        calendars::revoke_link,
        calendars::private_feed,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&EveryErrorDocumented)
)]
struct ApiDoc;

/// Any operation can also answer with an error the handler does not name
/// (a malformed body or parameter, a missing session, a rate limit, a
/// body too large): each in the one error shape, documented once for all as
/// the `default` response, so a client or fuzzer knows what to expect.
struct EveryErrorDocumented;

impl Modify for EveryErrorDocumented {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error = ResponseBuilder::new()
            .description("An error: `{\"error\": {\"code\", \"message\"}}` with the status that fits it.")
            .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                operation.responses.responses.entry("default".into()).or_insert_with(|| error.clone().into());
            }
        }
    }
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
