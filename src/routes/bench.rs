//! The controls every benchmark is measured against (feature `bench`,
//! never compiled into a default build): a JSON hello-world, a bare
//! websocket broadcast hub with no persistence, screening or limits, the
//! reply transaction looped in-process, and password hashing back to back;
//! and a switch that gives the seeded members mail (the mail scenarios).

use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::AggregatedMessage;
use bytestring::ByteString;
use serde::Deserialize;
use tokio::sync::broadcast;

use crate::auth::extract::member_of;
use crate::auth::password::hash_blocking;
use crate::auth::session::Token;
use crate::discussion::draft::PostDraft;
use crate::discussion::reply::store_reply;
use crate::domain::account::Password;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/__bench/hello").route(web::get().to(hello)))
        .service(web::resource("/__bench/hub").route(web::get().to(hub)))
        .service(web::resource("/__bench/replies").route(web::post().to(replies)))
        .service(web::resource("/__bench/password-hash").route(web::get().to(password_hash)))
        .service(web::resource("/__bench/mail").route(web::post().to(mail)));
}

#[derive(Deserialize)]
struct ReplyLoop {
    thread_id: i64,
    body: String,
    count: u32,
    /// Session tokens of the members who reply, in turn.
    authors: Vec<String>,
}

/// Stores `count` replies one after another through the route's own path
/// (parse, render, screen, store, notify) without HTTP, the authors taking
/// turns; answers the time.
async fn replies(state: web::Data<AppState>, order: web::Json<ReplyLoop>) -> ApiResult<HttpResponse> {
    let mut authors = Vec::with_capacity(order.authors.len());
    for token in &order.authors {
        authors.push(member_of(&state, Token::from_client(token)).await?);
    }
    let started = Instant::now();
    for (_, author) in (0..order.count).zip(authors.iter().cycle()) {
        let content = PostDraft { body: order.body.clone(), content_warning: None }.parse()?;
        store_reply(&state, author.clone(), order.thread_id, None, content).await?;
    }
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "replies": order.count, "seconds": started.elapsed().as_secs_f64() })))
}

/// How many argon2id hashes one thread makes a second on the server's own
/// core, hashing back to back for two seconds: the login scenario's ideal
/// rate is this times the hashing threads.
async fn password_hash() -> ApiResult<HttpResponse> {
    let password = Password::parse("a benchmark password".to_owned())?;
    let per_second = web::block(move || {
        let started = Instant::now();
        let mut hashes = 0u32;
        while started.elapsed().as_secs_f64() < 2.0 {
            hash_blocking(&password)?;
            hashes += 1;
        }
        Ok::<f64, anyhow::Error>(f64::from(hashes) / started.elapsed().as_secs_f64())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "hashes_per_second": per_second })))
}

async fn hello() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "hello": "world" }))
}

/// Every text a client sends is broadcast, as it is, to every client.
async fn hub(state: web::Data<AppState>, request: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, mut session, stream) = actix_ws::handle(&request, body)?;
    let mut stream = stream.aggregate_continuations();
    let sender = state.bench_hub.clone();
    let mut receiver = sender.subscribe();
    actix_web::rt::spawn(async move {
        loop {
            tokio::select! {
                frame = stream.recv() => match frame {
                    Some(Ok(AggregatedMessage::Text(text))) => {
                        let _ = sender.send(ByteString::from(text.to_string()));
                    }
                    Some(Ok(AggregatedMessage::Ping(bytes))) => {
                        if session.pong(&bytes).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(AggregatedMessage::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
                event = receiver.recv() => match event {
                    Ok(text) => {
                        if session.text(text).await.is_err() {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
            }
        }
    });
    Ok(response)
}

#[derive(Deserialize)]
struct MailSwitch {
    /// Whether the seeded members (`member-N`) have a verified address.
    verified: bool,
    /// Gives each verified member an unread reply, replies in a daily
    /// digest, and their digest due now.
    digest_due: bool,
}

/// Gives the seeded members verified addresses (watched threads mailed at
/// once) or takes them away; answers how many members it changed.
async fn mail(state: web::Data<AppState>, order: web::Json<MailSwitch>) -> ApiResult<HttpResponse> {
    use diesel::prelude::*;

    use crate::db::mail_preferences::{self, Schedule};
    use crate::db::notifications::{self, NewNotification};
    use crate::db::schema::users;
    use crate::domain::following::NotificationKind;
    use crate::domain::mail::{Cadence, MailKind, MailPreferences};
    use crate::domain::time::Timestamp;

    let MailSwitch { verified, digest_due } = order.into_inner();
    let changed = state
        .db
        .write(move |connection| {
            let members: Vec<(i64, String)> = users::table
                .filter(users::username.like("member-%"))
                .select((users::id, users::username))
                .load(connection)?;
            let mut preferences = MailPreferences::default();
            preferences.set(MailKind::Watched, Cadence::Immediately);
            let mut schedule = Schedule { next_daily_at: i64::MAX, next_weekly_at: i64::MAX };
            if digest_due {
                preferences.set(MailKind::Replies, Cadence::Daily);
                schedule.next_daily_at = 0;
            }
            let now = Timestamp::now().0;
            for (user_id, username) in &members {
                diesel::update(users::table.find(user_id))
                    .set((
                        users::email.eq(format!("{username}@bench.invalid")),
                        users::email_verified_at.eq(verified.then_some(now)),
                    ))
                    .execute(connection)?;
                mail_preferences::save(connection, *user_id, &preferences, schedule)?;
                if digest_due {
                    let news = NewNotification {
                        user_id: *user_id,
                        kind: NotificationKind::Reply,
                        group_key: "bench-digest".to_owned(),
                        thread_id: None,
                        subject_id: 0,
                        actor_id: None,
                    };
                    notifications::add(connection, &news)?;
                }
            }
            Ok(members.len())
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "members": changed })))
}
