//! The controls every benchmark is measured against (feature `bench`,
//! never compiled into a default build): a JSON hello-world and a bare
//! websocket broadcast hub with no persistence, screening or limits.

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::AggregatedMessage;
use bytestring::ByteString;
use tokio::sync::broadcast;

use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/__bench/hello").route(web::get().to(hello)))
        .service(web::resource("/__bench/hub").route(web::get().to(hub)));
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
