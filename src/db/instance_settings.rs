//! The settings an admin saved in the console: one JSON document of the
//! settings that differ from `kindred.toml`'s, with a revision every
//! process watches to know when to load it again.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::instance_settings;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// The one row's id.
const ROW: i64 = 1;

/// The saved settings' revision: it moves on with every change.
pub fn revision(connection: &mut AnyConnection) -> ApiResult<i64> {
    Ok(instance_settings::table.find(ROW).select(instance_settings::revision).first(connection)?)
}

/// The saved settings (JSON) and their revision.
pub fn load(connection: &mut AnyConnection) -> ApiResult<(i64, String)> {
    Ok(instance_settings::table
        .find(ROW)
        .select((instance_settings::revision, instance_settings::document))
        .first(connection)?)
}

/// Takes the settings for a change: moves the revision on (which holds the
/// row until the transaction ends, so two admins' changes apply one after
/// the other) and returns the new revision with the document as it was.
pub fn begin_change(connection: &mut AnyConnection) -> ApiResult<(i64, String)> {
    let revision = diesel::update(instance_settings::table.find(ROW))
        .set(instance_settings::revision.eq(instance_settings::revision + 1))
        .returning(instance_settings::revision)
        .get_result(connection)?;
    let document = instance_settings::table.find(ROW).select(instance_settings::document).first(connection)?;
    Ok((revision, document))
}

/// Stores the changed document (in the transaction `begin_change` opened).
pub fn save(connection: &mut AnyConnection, document: &str) -> ApiResult<()> {
    diesel::update(instance_settings::table.find(ROW))
        .set((instance_settings::document.eq(document), instance_settings::updated_at.eq(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}
