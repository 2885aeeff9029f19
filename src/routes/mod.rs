//! The JSON API under `/api/v1`, one module per resource, the error
//! handling that gives actix's own errors the API's error shape, and the
//! web client served beside it.

pub mod accounts;
pub mod admin_settings;
pub mod applications;
pub mod badges;
#[cfg(feature = "bench")]
pub mod bench;
pub mod blocks;
pub mod calendars;
pub mod client;
pub mod communities;
pub mod community_admin;
pub mod consultations;
pub mod directory;
pub mod email;
pub mod errors;
pub mod events;
pub mod follows;
pub mod goals;
pub mod health;
pub mod instance;
pub mod invitations;
pub mod live;
pub mod mail_preferences;
pub mod member_admin;
pub mod members;
pub mod metrics;
pub mod moderation;
pub mod moderation_log;
pub mod notifications;
pub mod openapi;
pub mod organisers;
pub mod posts;
pub mod privacy;
pub mod reading;
pub mod reports;
pub mod rooms;
pub mod safety_settings;
pub mod search;
pub mod sessions;
pub mod setup;
pub mod stories;
pub mod support;
pub mod threads;

use actix_web::web;

/// Registers every route; addresses none matches go to `client::fallback`.
pub fn configure(config: &mut web::ServiceConfig) {
    #[cfg(feature = "bench")]
    config.configure(bench::configure);
    config
        .service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/metrics").route(web::get().to(metrics::read)))
        .service(web::resource("/").route(web::get().to(client::index)))
        .service(web::resource("/assets/{path:.*}").route(web::get().to(client::asset)))
        .service(
            web::scope("/api/v1")
                // Resources are tried in order, each path pattern matched in
                // turn: the busiest (thread pages and replies) go first.
                .configure(threads::configure)
                .service(web::resource("/openapi.json").route(web::get().to(openapi::document)))
                .service(web::resource("/instance").route(web::get().to(instance::get)))
                .service(web::resource("/accounts").route(web::post().to(accounts::register)))
                .service(
                    web::resource("/me")
                        .route(web::get().to(accounts::me))
                        .route(web::delete().to(privacy::erase_self)),
                )
                .service(web::resource("/me/consents").route(web::post().to(accounts::accept)))
                .service(web::resource("/me/consents/health_data").route(web::delete().to(accounts::withdraw)))
                .service(web::resource("/me/display-name").route(web::put().to(accounts::change_display_name)))
                .service(web::resource("/me/welcome").route(web::delete().to(accounts::dismiss_welcome)))
                .service(web::resource("/me/password").route(web::put().to(accounts::change_password)))
                .service(
                    web::resource("/me/sessions")
                        .route(web::get().to(sessions::list))
                        .route(web::delete().to(sessions::end_others)),
                )
                .service(web::resource("/me/sessions/{id}").route(web::delete().to(sessions::end_one)))
                .service(web::resource("/sessions").route(web::post().to(sessions::sign_in)))
                .service(web::resource("/sessions/current").route(web::delete().to(sessions::sign_out)))
                .configure(blocks::configure)
                .configure(email::configure)
                .configure(mail_preferences::configure)
                .configure(privacy::configure)
                .configure(members::configure)
                .configure(communities::configure)
                .configure(directory::configure)
                .configure(organisers::configure)
                .configure(events::configure)
                .configure(goals::configure)
                .configure(calendars::configure)
                .configure(consultations::configure)
                .configure(stories::configure)
                .service(web::resource("/live").route(web::get().to(live::upgrade)))
                .configure(posts::configure)
                .configure(reading::configure)
                .configure(rooms::configure)
                .configure(reports::configure)
                .configure(moderation::configure)
                .configure(moderation_log::configure)
                .configure(safety_settings::configure)
                .configure(support::configure)
                .configure(follows::configure)
                .configure(notifications::configure)
                .configure(search::configure)
                .configure(setup::configure)
                .configure(admin_settings::configure)
                .configure(community_admin::configure)
                .configure(member_admin::configure)
                .configure(invitations::configure)
                .configure(applications::configure)
                .configure(badges::configure),
        );
}
