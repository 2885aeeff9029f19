//! Sanctions on members: imposed with a reason, in force until they end or
//! are lifted. Nothing needs to expire them: "in force" is asked of the
//! clock each time.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::sanctions;
use crate::domain::moderation::SanctionKind;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable)]
pub struct SanctionRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub community_id: Option<i64>,
    pub room_id: Option<i64>,
    pub reason: String,
    pub ends_at: Option<i64>,
    pub created_by: i64,
    pub created_at: i64,
    pub lifted_at: Option<i64>,
    pub lifted_by: Option<i64>,
}

impl SanctionRow {
    pub fn kind(&self) -> ApiResult<SanctionKind> {
        SanctionKind::from_stored(&self.kind)
    }
}

/// A sanction about to be imposed.
pub struct NewSanction<'a> {
    pub user_id: i64,
    pub kind: SanctionKind,
    /// Unset: the whole instance.
    pub community_id: Option<i64>,
    /// Set for a mute in one chat room.
    pub room_id: Option<i64>,
    pub reason: &'a str,
    /// Unset: until lifted.
    pub ends_at: Option<Timestamp>,
    pub created_by: i64,
}

pub fn impose(connection: &mut AnyConnection, new: NewSanction<'_>) -> ApiResult<i64> {
    Ok(diesel::insert_into(sanctions::table)
        .values((
            sanctions::user_id.eq(new.user_id),
            sanctions::kind.eq(new.kind.as_str()),
            sanctions::community_id.eq(new.community_id),
            sanctions::room_id.eq(new.room_id),
            sanctions::reason.eq(new.reason),
            sanctions::ends_at.eq(new.ends_at.map(|at| at.0)),
            sanctions::created_by.eq(new.created_by),
            sanctions::created_at.eq(Timestamp::now().0),
        ))
        .returning(sanctions::id)
        .get_result(connection)?)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<SanctionRow> {
    sanctions::table
        .find(id)
        .first::<SanctionRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that sanction."))
}

/// Ends a sanction early; one already lifted is a conflict.
pub fn lift(connection: &mut AnyConnection, id: i64, lifted_by: i64) -> ApiResult<()> {
    let changed = diesel::update(sanctions::table.find(id).filter(sanctions::lifted_at.is_null()))
        .set((sanctions::lifted_at.eq(Some(Timestamp::now().0)), sanctions::lifted_by.eq(Some(lifted_by))))
        .execute(connection)?;
    if changed == 0 {
        return Err(ApiError::conflict("already_lifted", "That sanction was already lifted."));
    }
    Ok(())
}

/// A member's sanctions in force now (warnings included).
pub fn in_force(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<SanctionRow>> {
    let now = Timestamp::now().0;
    Ok(sanctions::table
        .filter(sanctions::user_id.eq(user_id))
        .filter(sanctions::lifted_at.is_null())
        .filter(sanctions::ends_at.is_null().or(sanctions::ends_at.gt(now)))
        .order(sanctions::id.asc())
        .load::<SanctionRow>(connection)?)
}

/// When a member was last sanctioned (warnings included), if ever.
pub fn latest_at(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<i64>> {
    Ok(sanctions::table
        .filter(sanctions::user_id.eq(user_id))
        .select(diesel::dsl::max(sanctions::created_at))
        .first::<Option<i64>>(connection)?)
}
