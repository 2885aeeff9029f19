//! Each backend's migrations run up, down and up again.

use diesel::connection::SimpleConnection;
use kindred::db::{DatabaseUrl, revert_all_migrations, run_migrations};

use crate::helpers::spawn_app;

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    // The spawned app has already run them up once.
    let app = spawn_app().await;
    let mut connection = DatabaseUrl::parse(&app.database_url).expect("url").connect().expect("connection");
    revert_all_migrations(&mut connection).expect("down");
    assert!(connection.batch_execute("SELECT id FROM users").is_err(), "the tables are gone");
    run_migrations(&mut connection).expect("up again");
    connection.batch_execute("SELECT id FROM users").expect("the tables are back");
}
