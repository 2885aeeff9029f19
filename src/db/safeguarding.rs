//! Who the safeguarding leads are (the instance's and each community's),
//! and the alerts about urgent items: what is still to be sent (mail, the
//! webhook) and whether the admins were told because nobody claimed the
//! item in time. Every process sweeps the alerts; each piece of work is
//! taken by marking it in the statement that picks it, so two processes
//! never do it twice.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{community_safeguarding_leads as leads, moderation_items, safeguarding_alerts as alerts, users};
use crate::auth::Member;
use crate::domain::time::Timestamp;
use crate::error::{ApiResult, is_unique_violation};

/// Appoints a community's safeguarding lead; appointing one twice changes nothing.
pub fn appoint(connection: &mut AnyConnection, community_id: i64, user_id: i64, by: i64) -> ApiResult<()> {
    let inserted = super::recoverable(connection, |connection| {
        diesel::insert_into(leads::table)
            .values((
                leads::community_id.eq(community_id),
                leads::user_id.eq(user_id),
                leads::appointed_by.eq(by),
                leads::appointed_at.eq(Timestamp::now().0),
            ))
            .execute(connection)
    });
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Stands a community's lead down (or every appointment of a member, for
/// erasure, when `community_id` is `None`).
pub fn stand_down(connection: &mut AnyConnection, community_id: Option<i64>, user_id: i64) -> ApiResult<()> {
    let mut query = diesel::delete(leads::table).filter(leads::user_id.eq(user_id)).into_boxed();
    if let Some(community_id) = community_id {
        query = query.filter(leads::community_id.eq(community_id));
    }
    query.execute(connection)?;
    Ok(())
}

/// Whether a member is a safeguarding lead of this community.
pub fn leads_community(connection: &mut AnyConnection, community_id: i64, user_id: i64) -> ApiResult<bool> {
    let found: i64 = leads::table
        .filter(leads::community_id.eq(community_id))
        .filter(leads::user_id.eq(user_id))
        .count()
        .get_result(connection)?;
    Ok(found > 0)
}

/// Whether a member is a safeguarding lead for a community (the instance's
/// leads are, for every one).
pub fn is_lead_for(connection: &mut AnyConnection, member: &Member, community_id: Option<i64>) -> ApiResult<bool> {
    if member.is_safeguarding_lead {
        return Ok(true);
    }
    match community_id {
        Some(id) => leads_community(connection, id, member.user_id),
        None => Ok(false),
    }
}

/// The communities a member is a safeguarding lead of.
pub fn communities_led_by(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<i64>> {
    Ok(leads::table.filter(leads::user_id.eq(user_id)).select(leads::community_id).load(connection)?)
}

/// Usernames of a community's own safeguarding leads.
pub fn leads_of_community(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<String>> {
    Ok(leads::table
        .inner_join(users::table.on(users::id.eq(leads::user_id)))
        .filter(leads::community_id.eq(community_id))
        .order(users::username.asc())
        .select(users::username)
        .load(connection)?)
}

/// Everyone who hears of an urgent item in a community (or of one with no
/// community): the instance's leads and the community's own.
pub fn leads_for(connection: &mut AnyConnection, community_id: Option<i64>) -> ApiResult<Vec<i64>> {
    let mut ids: Vec<i64> = users::table
        .filter(users::is_safeguarding_lead.eq(true))
        .filter(users::erased_at.is_null())
        .select(users::id)
        .load(connection)?;
    if let Some(community_id) = community_id {
        ids.extend(
            leads::table.filter(leads::community_id.eq(community_id)).select(leads::user_id).load::<i64>(connection)?,
        );
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The instance's admins, who are told of an urgent item nobody claimed.
pub fn admins(connection: &mut AnyConnection) -> ApiResult<Vec<i64>> {
    Ok(users::table
        .filter(users::is_admin.eq(true))
        .filter(users::erased_at.is_null())
        .select(users::id)
        .load(connection)?)
}

/// The verified addresses of these members (mail goes to no other).
pub fn verified_emails(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<String>> {
    let found: Vec<Option<String>> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::email_verified_at.is_not_null())
        .select(users::email)
        .load(connection)?;
    Ok(found.into_iter().flatten().collect())
}

/// What an alert says about how urgent its item is.
pub struct NewAlert<'a> {
    pub item_id: i64,
    /// `high` or `medium` (screening) or `reported` (a member's report).
    pub risk: &'a str,
    pub mail: bool,
    pub webhook: bool,
}

/// Records the alert for an item that just became urgent; an item is alerted once.
pub fn raise(connection: &mut AnyConnection, new: &NewAlert<'_>) -> ApiResult<bool> {
    let now = Timestamp::now().0;
    let inserted = super::recoverable(connection, |connection| {
        diesel::insert_into(alerts::table)
            .values((
                alerts::item_id.eq(new.item_id),
                alerts::risk.eq(new.risk),
                alerts::raised_at.eq(now),
                alerts::mail_due.eq(new.mail),
                alerts::webhook_due_at.eq(new.webhook.then_some(now)),
            ))
            .execute(connection)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(error) if is_unique_violation(&error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Ids of the open items nobody has claimed.
#[diesel::dsl::auto_type]
fn unclaimed_open() -> _ {
    moderation_items::table
        .filter(moderation_items::resolved_at.is_null())
        .filter(moderation_items::claimed_by.is_null())
        .select(moderation_items::id)
}

/// Whether any alert has work to do now: mail to send, a webhook delivery
/// due, or an unclaimed item raised before `escalate_before`.
///
/// It runs every second in every process, so the escalation part starts
/// from the open items (the queue's partial index) rather than every alert
/// ever raised, and a waiting delivery is found through its partial index.
pub fn any_due(connection: &mut AnyConnection, now: i64, escalate_before: i64) -> ApiResult<bool> {
    let mail: Option<i64> =
        alerts::table.filter(alerts::mail_due.eq(true)).select(alerts::item_id).first(connection).optional()?;
    if mail.is_some() {
        return Ok(true);
    }
    let delivery: Option<i64> =
        alerts::table.filter(alerts::webhook_due_at.le(now)).select(alerts::item_id).first(connection).optional()?;
    if delivery.is_some() {
        return Ok(true);
    }
    let waiting: Option<i64> = moderation_items::table
        .inner_join(alerts::table)
        .filter(moderation_items::resolved_at.is_null())
        .filter(moderation_items::claimed_by.is_null())
        .filter(alerts::escalated_at.is_null())
        .filter(alerts::raised_at.le(escalate_before))
        .select(alerts::item_id)
        .first(connection)
        .optional()?;
    Ok(waiting.is_some())
}

/// An alerted item: where it is and whose content it is about.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct Alerted {
    pub item_id: i64,
    pub community_id: Option<i64>,
    pub author_id: i64,
}

/// Takes the alerts whose mail is still to be sent.
pub fn take_mail(connection: &mut AnyConnection) -> ApiResult<Vec<Alerted>> {
    let taken: Vec<i64> = diesel::update(alerts::table.filter(alerts::mail_due.eq(true)))
        .set(alerts::mail_due.eq(false))
        .returning(alerts::item_id)
        .get_results(connection)?;
    communities_of(connection, taken)
}

/// Takes the unclaimed items raised before `before` that the admins have
/// not been told of, marking them told.
pub fn take_escalations(connection: &mut AnyConnection, before: i64) -> ApiResult<Vec<Alerted>> {
    let now = Timestamp::now().0;
    let taken: Vec<i64> = diesel::update(
        alerts::table
            .filter(alerts::escalated_at.is_null())
            .filter(alerts::raised_at.le(before))
            .filter(alerts::item_id.eq_any(unclaimed_open())),
    )
    .set(alerts::escalated_at.eq(Some(now)))
    .returning(alerts::item_id)
    .get_results(connection)?;
    communities_of(connection, taken)
}

fn communities_of(connection: &mut AnyConnection, items: Vec<i64>) -> ApiResult<Vec<Alerted>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    Ok(moderation_items::table
        .filter(moderation_items::id.eq_any(items))
        .order(moderation_items::id.asc())
        .select((moderation_items::id, moderation_items::community_id, moderation_items::subject_author_id))
        .load(connection)?)
}

/// A webhook delivery taken for sending.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub item_id: i64,
    pub community_id: Option<i64>,
    pub risk: String,
    /// Deliveries tried before this one.
    pub attempts: i32,
}

/// Takes the webhook deliveries due now, leasing each until `lease_until`
/// so no other process sends it meanwhile.
pub fn take_webhooks(connection: &mut AnyConnection, now: i64, lease_until: i64) -> ApiResult<Vec<Delivery>> {
    let taken: Vec<(i64, String, i32)> = diesel::update(alerts::table.filter(alerts::webhook_due_at.le(now)))
        .set(alerts::webhook_due_at.eq(Some(lease_until)))
        .returning((alerts::item_id, alerts::risk, alerts::webhook_attempts))
        .get_results(connection)?;
    let places = communities_of(connection, taken.iter().map(|(id, ..)| *id).collect())?;
    Ok(taken
        .into_iter()
        .map(|(item_id, risk, attempts)| Delivery {
            item_id,
            community_id: places.iter().find(|place| place.item_id == item_id).and_then(|place| place.community_id),
            risk,
            attempts,
        })
        .collect())
}

/// Records a delivery's outcome: delivered (or given up) when `next_at` is
/// `None`, otherwise tried again then.
pub fn webhook_tried(connection: &mut AnyConnection, item_id: i64, next_at: Option<i64>) -> ApiResult<()> {
    diesel::update(alerts::table.find(item_id))
        .set((alerts::webhook_due_at.eq(next_at), alerts::webhook_attempts.eq(alerts::webhook_attempts + 1)))
        .execute(connection)?;
    Ok(())
}
