//! Word filters added through the API, per instance (no community) or per
//! community, on top of the shipped list.

use diesel::prelude::*;
use moderation::filters::{FilterAction, FilterRule};

use super::AnyConnection;
use super::schema::word_filters;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable)]
pub struct FilterRow {
    pub id: i64,
    pub community_id: Option<i64>,
    pub term: String,
    pub action: String,
    pub message: Option<String>,
    pub replacement: Option<String>,
    pub created_by: i64,
    pub created_at: i64,
}

impl FilterRow {
    pub fn rule(&self) -> ApiResult<FilterRule> {
        let action = match self.action.as_str() {
            "block" => FilterAction::Block,
            "hold" => FilterAction::Hold,
            "flag" => FilterAction::Flag,
            "replace" => FilterAction::Replace,
            other => return Err(ApiError::internal(format!("unknown filter action in the database: {other}"))),
        };
        Ok(FilterRule {
            term: self.term.clone(),
            action,
            message: self.message.clone(),
            replacement: self.replacement.clone(),
        })
    }
}

pub fn stored_action(action: FilterAction) -> &'static str {
    match action {
        FilterAction::Block => "block",
        FilterAction::Hold => "hold",
        FilterAction::Flag => "flag",
        FilterAction::Replace => "replace",
    }
}

pub fn create(
    connection: &mut AnyConnection,
    community_id: Option<i64>,
    rule: &FilterRule,
    created_by: i64,
) -> ApiResult<FilterRow> {
    Ok(diesel::insert_into(word_filters::table)
        .values((
            word_filters::community_id.eq(community_id),
            word_filters::term.eq(&rule.term),
            word_filters::action.eq(stored_action(rule.action)),
            word_filters::message.eq(&rule.message),
            word_filters::replacement.eq(&rule.replacement),
            word_filters::created_by.eq(created_by),
            word_filters::created_at.eq(Timestamp::now().0),
        ))
        .returning(word_filters::all_columns)
        .get_result(connection)?)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<FilterRow> {
    word_filters::table
        .find(id)
        .first::<FilterRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that filter."))
}

pub fn delete(connection: &mut AnyConnection, id: i64) -> ApiResult<()> {
    diesel::delete(word_filters::table.find(id)).execute(connection)?;
    Ok(())
}

/// The instance's filters (`None`) or one community's own, oldest first.
pub fn list(connection: &mut AnyConnection, community_id: Option<i64>) -> ApiResult<Vec<FilterRow>> {
    let query = word_filters::table.order(word_filters::id.asc()).into_boxed();
    let query = match community_id {
        Some(id) => query.filter(word_filters::community_id.eq(id)),
        None => query.filter(word_filters::community_id.is_null()),
    };
    Ok(query.load(connection)?)
}

/// Every filter that applies to text written in a community: the
/// instance's and the community's own.
pub fn applying_to(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<FilterRow>> {
    Ok(word_filters::table
        .filter(word_filters::community_id.is_null().or(word_filters::community_id.eq(community_id)))
        .order(word_filters::id.asc())
        .load(connection)?)
}
