//! Who may do what: one function per action, so every handler asks the
//! same question the same way and the answers can be tested as a table.

use crate::auth::Member;
use crate::domain::community::{CommunityRole, Visibility};
use crate::domain::story::Reach;
use crate::error::ApiError;

/// A viewer's standing in one community.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub is_admin: bool,
    pub role: Option<CommunityRole>,
}

impl Standing {
    pub const VISITOR: Standing = Standing { is_admin: false, role: None };

    fn is_moderator(self) -> bool {
        self.is_admin || self.role == Some(CommunityRole::Moderator)
    }

    fn is_member(self) -> bool {
        self.role.is_some()
    }
}

fn hidden() -> ApiError {
    ApiError::not_found("We couldn't find that.")
}

/// Reading a community's threads, posts and rooms. Anyone else gets 404,
/// so a private community's contents are not even confirmed to exist.
pub fn read_threads(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    match visibility {
        Visibility::Public => Ok(()),
        Visibility::Members | Visibility::Approval if standing.is_member() || standing.is_admin => Ok(()),
        _ => Err(hidden()),
    }
}

/// Starting a thread or replying: members of the community (and admins).
pub fn post(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    read_threads(visibility, standing)?;
    if standing.is_member() || standing.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("Join this community to post in it."))
    }
}

/// Reacting to a post: anyone who may post there, unless a block stands
/// between them and its author (as for replies).
pub fn react(visibility: Visibility, standing: Standing, blocked: bool) -> Result<(), ApiError> {
    post(visibility, standing)?;
    if blocked && block_hides(standing) {
        return Err(ApiError::forbidden("You can't react to this member's post."));
    }
    Ok(())
}

/// Deciding join requests and appointing moderators.
pub fn moderate(standing: Standing) -> Result<(), ApiError> {
    if standing.is_moderator() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only this community's moderators can do that."))
    }
}

/// Appointing and removing a community's organisers: its moderators and admins.
pub fn appoint_organisers(standing: Standing) -> Result<(), ApiError> {
    if standing.is_moderator() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only this community's moderators can appoint or remove its organisers."))
    }
}

/// Organising in a community (creating, editing and cancelling events,
/// recording who came, and reading attendance): its moderators, admins, and
/// the organisers it appointed (`organiser_here`) while they are members.
pub fn organise(standing: Standing, organiser_here: bool) -> Result<(), ApiError> {
    if standing.is_moderator() || (organiser_here && standing.is_member()) {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only this community's organisers and moderators can do that."))
    }
}

/// Answering an event (going, maybe, can't go): whoever may read the
/// community's events and is a member of it (or an admin).
pub fn answer_event(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    read_threads(visibility, standing)?;
    if standing.is_member() || standing.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("Join this community to say whether you're going."))
    }
}

/// Reading a community's goals and their totals: whoever may read the community.
pub fn read_goals(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    read_threads(visibility, standing)
}

/// Setting, editing and closing a community's goals: whoever may organise
/// there (its organisers, moderators and admins).
pub fn set_goal(standing: Standing, organiser_here: bool) -> Result<(), ApiError> {
    organise(standing, organiser_here)
}

/// Pledging to a goal and logging contributions to it: whoever may post in
/// the community. (Each member's entries are theirs alone: the store reads
/// and undoes only the asking member's own.)
pub fn pledge_to_goal(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    read_goals(visibility, standing)?;
    if standing.is_member() || standing.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("Join this community to pledge to its goals."))
    }
}

/// Seeing an online event's joining link: those going, and whoever may organise there.
pub fn see_joining_link(going: bool, may_organise: bool) -> bool {
    going || may_organise
}

/// A community's calendar feed without a private link: public communities only.
pub fn public_calendar(visibility: Visibility) -> Result<(), ApiError> {
    if visibility == Visibility::Public { Ok(()) } else { Err(hidden()) }
}

/// Removing a moderator: an admin, or a moderator stepping down.
pub fn remove_moderator(standing: Standing, member: &Member, target_user_id: i64) -> Result<(), ApiError> {
    if standing.is_admin || (standing.is_moderator() && member.user_id == target_user_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only an instance admin can remove another moderator."))
    }
}

/// Creating a community: instance admins.
pub fn create_community(member: &Member) -> Result<(), ApiError> {
    if member.is_admin { Ok(()) } else { Err(ApiError::forbidden("Only an instance admin can create a community.")) }
}

/// Editing or deleting a post: its author only.
pub fn change_post(member: &Member, author_id: i64) -> Result<(), ApiError> {
    if member.user_id == author_id { Ok(()) } else { Err(ApiError::forbidden("You can only change your own posts.")) }
}

/// Reading a post's earlier versions: its author and the community's moderators.
pub fn read_revisions(member: &Member, author_id: i64, standing: Standing) -> Result<(), ApiError> {
    if member.user_id == author_id || standing.is_moderator() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only the author and moderators can see earlier versions."))
    }
}

/// What a member is, as far as moderation in one place is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    Admin,
    /// A moderator of the community the action is in.
    Moderator,
    /// The instance's safeguarding lead, who reviews crisis items anywhere.
    SafeguardingLead,
    Member,
}

impl Authority {
    /// `standing` is the member's standing where the action happens (`None`
    /// for the instance as a whole).
    pub fn of(member: &Member, standing: Option<Standing>) -> Self {
        if member.is_admin {
            Self::Admin
        } else if standing.is_some_and(|standing| standing.role == Some(CommunityRole::Moderator)) {
            Self::Moderator
        } else if member.is_safeguarding_lead {
            Self::SafeguardingLead
        } else {
            Self::Member
        }
    }

    /// A member appointed safeguarding lead of the community an action is
    /// in reviews there, as the instance's leads do everywhere.
    pub fn leading_here(self, leads_here: bool) -> Self {
        if leads_here && self == Self::Member { Self::SafeguardingLead } else { self }
    }
}

/// The kinds of moderation action, grouped by who may take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModerationAction {
    /// See the queue, claim items, approve or hide content, dismiss items,
    /// warn, write and read notes on members.
    Review,
    /// Remove content or edit it with a reason.
    Remove,
    /// Lock, pin or move threads.
    ManageThreads,
    /// Mute in a community or room, ban from a community, its word filters.
    RestrictInCommunity,
    /// Suspend or ban from the instance, instance word filters, appoint safeguarding leads.
    RunInstance,
}

/// Whether `authority` may take `action`: admins everything, moderators all
/// but instance-wide actions in their community, the safeguarding lead
/// reviews anywhere.
pub fn moderation(action: ModerationAction, authority: Authority) -> Result<(), ApiError> {
    use ModerationAction::*;
    let allowed = match authority {
        Authority::Admin => true,
        Authority::Moderator => action != RunInstance,
        Authority::SafeguardingLead => action == Review,
        Authority::Member => false,
    };
    if allowed {
        return Ok(());
    }
    Err(ApiError::forbidden(match (authority, action) {
        (Authority::Member, _) => "Only moderators can do that.",
        (_, RunInstance) => "Only an instance admin can do that.",
        _ => "Only this community's moderators can do that.",
    }))
}

/// Whether a member reviews in every community, as admins and the
/// safeguarding lead do; anyone else reviews only where they moderate.
pub fn reviews_everywhere(member: &Member) -> bool {
    moderation(ModerationAction::Review, Authority::of(member, None)).is_ok()
}

/// Sanctioning a member (a warning, a mute, a ban) whose standing where the
/// sanction applies is `target`: admins and moderators are sanctioned only
/// by instance admins. Moderators never sanction one another, so no
/// moderator can strip a fellow moderator's role with a community ban;
/// only admins remove moderators.
pub fn sanction(actor: &Member, target: Standing) -> Result<(), ApiError> {
    if actor.is_admin {
        Ok(())
    } else if target.is_admin {
        Err(ApiError::forbidden("Only an instance admin can take this action on an admin."))
    } else if target.is_moderator() {
        Err(ApiError::forbidden("Only an instance admin can take this action on a moderator."))
    } else {
        Ok(())
    }
}

/// Nobody acts as a moderator on what concerns themselves (their content,
/// their account, reports about them, their appeal): lifting their own
/// sanction, restoring or approving their own post, dismissing reports on
/// it, deciding their own appeal. Another moderator does. Managing threads
/// (lock, pin, move) is housekeeping, so a moderator may pin their own notice.
pub fn own_case(member: &Member, action: ModerationAction, concerns: Option<i64>) -> Result<(), ApiError> {
    if action != ModerationAction::ManageThreads && concerns == Some(member.user_id) {
        return Err(ApiError::forbidden_because(
            "own_case",
            "This concerns you, so another moderator must deal with it.",
        ));
    }
    Ok(())
}

/// Deciding an appeal: someone who could have taken the action, other than
/// whoever took it, and never the member who appealed.
pub fn decide_appeal(
    member: &Member,
    authority: Authority,
    action: ModerationAction,
    actor_id: i64,
    appellant_id: i64,
) -> Result<(), ApiError> {
    moderation(action, authority)?;
    own_case(member, action, Some(appellant_id))?;
    if member.user_id == actor_id {
        return Err(ApiError::forbidden("An appeal must be decided by someone other than the moderator who acted."));
    }
    Ok(())
}

/// Whether a block between a viewer and an author collapses the author's
/// posts and messages for the viewer. Blocks are social: where the viewer
/// moderates (or is an admin) they still see everything, so blocking a
/// moderator never hides a member's content from moderation.
pub fn block_hides(standing: Standing) -> bool {
    !standing.is_moderator()
}

/// Replying to a post: refused when a block stands between the two members,
/// except for the community's moderators.
pub fn reply_to(blocked: bool, standing: Standing) -> Result<(), ApiError> {
    if blocked && block_hides(standing) {
        Err(ApiError::forbidden("You can't reply to this member's post."))
    } else {
        Ok(())
    }
}

/// Blocking a member: anyone but oneself (moderators and admins included,
/// see `block_hides`).
pub fn block(member: &Member, target_user_id: i64) -> Result<(), ApiError> {
    if member.user_id == target_user_id {
        Err(ApiError::invalid("cannot_block_self", "You can't block yourself."))
    } else {
        Ok(())
    }
}

/// What a member must accept before contributing (posts, replies, chat,
/// reactions): the current guidelines and the consent to processing health
/// information. `accepted` holds the latest version of each that they
/// accepted, and `current` the versions published now: a new version of
/// either is asked again. A member who `withdrew` the consent reads but
/// does not contribute until they give it again.
pub fn contribute(current: &Acceptance<'_>, accepted: &Acceptance<'_>, withdrawn: bool) -> Result<(), ApiError> {
    if withdrawn {
        return Err(ApiError::forbidden_because(
            "consent_withdrawn",
            "You withdrew your consent to how your health information is used, so you can read but not post, \
             reply, chat or react. You can give it again on your account page.",
        ));
    }
    if accepted.guidelines != current.guidelines {
        return Err(ApiError::forbidden_because(
            "guidelines_not_accepted",
            "The community guidelines have changed. Please read and accept them before posting.",
        ));
    }
    if accepted.health_data != current.health_data {
        return Err(ApiError::forbidden_because(
            "consent_required",
            "Please read how your health information is used, and agree to it, before posting.",
        ));
    }
    Ok(())
}

/// Seeing the display names a member went by: the member, the instance's
/// admins and safeguarding leads, and the moderators of a community the
/// member belongs to (`moderates_them`).
pub fn see_name_history(asking: &Member, target_user_id: i64, moderates_them: bool) -> Result<(), ApiError> {
    if asking.user_id == target_user_id || asking.is_admin || asking.is_safeguarding_lead || moderates_them {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only moderators of this member's communities can see the names they went by."))
    }
}

/// Versions of the guidelines and of the health-data consent text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Acceptance<'a> {
    pub guidelines: Option<&'a str>,
    pub health_data: Option<&'a str>,
}

/// Following a thread or community: whoever may read it.
pub fn follow(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    read_threads(visibility, standing)
}

/// How much of a thread a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAccess {
    /// All of it: they may read its community.
    Whole,
    /// Only a story's own text, which its reach carries to them; its
    /// replies stay with those who may read the community.
    StoryOnly,
}

/// Reading a thread: whoever may read its community, and for a story
/// (`story` is its reach) also whoever that reach carries it to, who read
/// the story alone. Anyone else gets 404.
pub fn read_thread(
    visibility: Visibility,
    standing: Standing,
    story: Option<Reach>,
    signed_in: bool,
) -> Result<ThreadAccess, ApiError> {
    match read_threads(visibility, standing) {
        Ok(()) => Ok(ThreadAccess::Whole),
        Err(_) if story.is_some_and(|reach| reach.carries_to(signed_in)) => Ok(ThreadAccess::StoryOnly),
        Err(hidden) => Err(hidden),
    }
}

/// Changing how far a story travels: its author only. Narrowing is always
/// theirs to do; widening is writing, which a suspension stops (checked by
/// the caller with the sanctions).
pub fn set_story_reach(member: &Member, author_id: i64) -> Result<(), ApiError> {
    if member.user_id == author_id {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only the story's author can change how far it travels."))
    }
}

/// Whether search looks in a community for a reader: exactly where they may read.
pub fn search_in(visibility: Visibility, standing: Standing) -> bool {
    read_threads(visibility, standing).is_ok()
}

/// Whether a member is told of content (a reply, a mention, a new post):
/// only where they may read it, and never across a block either way.
pub fn hear_of(visibility: Visibility, standing: Standing, blocked: bool) -> bool {
    !blocked && read_threads(visibility, standing).is_ok()
}

/// Where a directory entry lives: one community (with the viewer's
/// standing there, and whether they are appointed to organise there), or
/// the instance as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryPlace {
    Community(Visibility, Standing, bool),
    Instance,
}

/// Reviewing a directory's entries (approving suggestions, marking entries
/// reviewed, removing them): whoever may organise in the community (its
/// organisers and moderators) and the instance's admins; the instance-wide
/// directory, its admins.
pub fn review_directory(member: Option<&Member>, place: DirectoryPlace) -> Result<(), ApiError> {
    let allowed = match (member, place) {
        (Some(member), _) if member.is_admin => true,
        (Some(_), DirectoryPlace::Community(_, standing, organiser_here)) => organise(standing, organiser_here).is_ok(),
        _ => false,
    };
    if allowed { Ok(()) } else { Err(ApiError::forbidden("Only this directory's reviewers can do that.")) }
}

/// Reading a directory: a community's, whoever may read the community; the
/// instance-wide one, everyone. A suggestion not yet approved: its author
/// and the reviewers, and to anyone else it does not exist.
pub fn read_directory(
    member: Option<&Member>,
    place: DirectoryPlace,
    approved: bool,
    suggested_by: Option<i64>,
) -> Result<(), ApiError> {
    if let DirectoryPlace::Community(visibility, standing, _) = place {
        read_threads(visibility, standing)?;
    }
    let own = member.is_some_and(|member| Some(member.user_id) == suggested_by);
    if approved || own || review_directory(member, place).is_ok() { Ok(()) } else { Err(hidden()) }
}

/// Suggesting an entry: to a community's directory, whoever may post there;
/// to the instance-wide one, any signed-in member.
pub fn suggest_directory_entry(place: DirectoryPlace) -> Result<(), ApiError> {
    match place {
        DirectoryPlace::Community(visibility, standing, _) => post(visibility, standing),
        DirectoryPlace::Instance => Ok(()),
    }
}

/// Bringing entries into the instance's directory from another system: instance admins.
pub fn import_directory(member: &Member) -> Result<(), ApiError> {
    administer(member)
}

/// Opening a private support conversation with a member: the safeguarding
/// leads for the community (`leads_it`: the instance's leads, and the
/// community's own).
pub fn open_support_conversation(leads_it: bool) -> Result<(), ApiError> {
    if leads_it {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only a safeguarding lead for this community can open a support conversation."))
    }
}

/// Closing a support conversation: the safeguarding leads for its community.
pub fn close_support_conversation(leads_it: bool) -> Result<(), ApiError> {
    if leads_it {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only the safeguarding team closes a support conversation."))
    }
}

/// Reading and writing in a support conversation: the member it is with
/// and the safeguarding leads for its community. Anyone else, moderators
/// and admins included, gets 404: it is not even confirmed to exist.
pub fn support_conversation(viewer_id: i64, member_id: i64, leads_it: bool) -> Result<(), ApiError> {
    if viewer_id == member_id || leads_it { Ok(()) } else { Err(hidden()) }
}

/// Taking part in a community (posting, replying, chatting, reacting): not once it is archived.
pub fn take_part(archived: bool) -> Result<(), ApiError> {
    if archived {
        Err(ApiError::conflict(
            "community_archived",
            "This community is archived: you can still read it, but it no longer takes posts, replies, chat or \
             reactions.",
        ))
    } else {
        Ok(())
    }
}

/// Reading and changing the instance's settings, and reading the admin log: instance admins.
pub fn administer(member: &Member) -> Result<(), ApiError> {
    if member.is_admin { Ok(()) } else { Err(ApiError::forbidden("Only an instance admin can do that.")) }
}

/// Granting and removing staff and partner badges: instance admins only.
pub fn grant_badges(member: &Member) -> Result<(), ApiError> {
    if member.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only an instance admin can grant or remove badges."))
    }
}

/// Deciding applications to join the instance (joining by approval): instance admins.
pub fn decide_applications(member: &Member) -> Result<(), ApiError> {
    if member.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only an instance admin can decide applications to join."))
    }
}

/// Seeing the instance's recruiting as totals (links made, people who
/// joined through them): instance admins and every community's moderators.
pub fn see_recruiting(member: &Member, moderates_somewhere: bool) -> Result<(), ApiError> {
    if member.is_admin || moderates_somewhere {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only moderators and admins can see how many people joined through links."))
    }
}

/// Erasing someone else's account: instance admins.
pub fn erase_account(member: &Member) -> Result<(), ApiError> {
    if member.is_admin { Ok(()) } else { Err(ApiError::forbidden("Only an instance admin can erase an account.")) }
}

/// Speaking for the hosting organisation (opening a consultation, publishing
/// responses to its answers): the instance's admins and the members an admin
/// badged as its staff.
pub fn speak_for_institution(member: &Member, staff: bool) -> Result<(), ApiError> {
    if member.is_admin || staff {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only the organisation that runs this instance can do that."))
    }
}

/// Supporting an answer in a consultation: whoever may react to it, but
/// never to their own answer.
pub fn support_answer(visibility: Visibility, standing: Standing, blocked: bool, own: bool) -> Result<(), ApiError> {
    react(visibility, standing, blocked)?;
    if own {
        return Err(ApiError::forbidden_because("own_answer", "You can't support your own answer."));
    }
    Ok(())
}

/// Exporting a consultation's answers and responses for board papers: the
/// organisation (admins) and the community's moderators.
pub fn export_consultation(standing: Standing) -> Result<(), ApiError> {
    if standing.is_moderator() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only the organisation and this community's moderators can export a consultation."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Visibility::*;

    const MEMBER: Standing = Standing { is_admin: false, role: Some(CommunityRole::Member) };
    const MODERATOR: Standing = Standing { is_admin: false, role: Some(CommunityRole::Moderator) };
    const OUTSIDER: Standing = Standing { is_admin: false, role: None };
    const ADMIN: Standing = Standing { is_admin: true, role: None };

    #[test]
    fn a_story_reaches_outsiders_as_far_as_its_author_let_it_and_no_further() {
        use ThreadAccess::*;
        let table = [
            (Members, MEMBER, None, true, Some(Whole)),
            (Members, OUTSIDER, None, true, None),
            (Members, OUTSIDER, Some(Reach::Community), true, None),
            (Members, OUTSIDER, Some(Reach::Instance), true, Some(StoryOnly)),
            (Members, Standing::VISITOR, Some(Reach::Instance), false, None),
            (Members, Standing::VISITOR, Some(Reach::Public), false, Some(StoryOnly)),
            (Public, Standing::VISITOR, Some(Reach::Community), false, Some(Whole)),
        ];
        for (visibility, standing, story, signed_in, access) in table {
            assert_eq!(read_thread(visibility, standing, story, signed_in).ok(), access, "{visibility:?} {story:?}");
        }
    }

    #[test]
    fn reading_and_posting_follow_visibility_and_membership() {
        let table = [
            (Public, Standing::VISITOR, true, false),
            (Public, OUTSIDER, true, false),
            (Public, MEMBER, true, true),
            (Members, Standing::VISITOR, false, false),
            (Members, OUTSIDER, false, false),
            (Members, MEMBER, true, true),
            (Members, MODERATOR, true, true),
            (Approval, OUTSIDER, false, false),
            (Approval, MEMBER, true, true),
            (Approval, ADMIN, true, true),
        ];
        for (visibility, standing, may_read, may_post) in table {
            assert_eq!(read_threads(visibility, standing).is_ok(), may_read, "{visibility:?} {standing:?} read");
            assert_eq!(post(visibility, standing).is_ok(), may_post, "{visibility:?} {standing:?} post");
            assert_eq!(read_goals(visibility, standing).is_ok(), may_read, "{visibility:?} {standing:?} goals");
            assert_eq!(pledge_to_goal(visibility, standing).is_ok(), may_post, "{visibility:?} {standing:?} pledge");
        }
    }

    #[test]
    fn following_searching_and_hearing_go_where_reading_goes() {
        let table = [
            (Public, OUTSIDER, false, true),
            (Public, MEMBER, true, false),
            (Members, OUTSIDER, false, false),
            (Members, MEMBER, false, true),
            (Members, MEMBER, true, false),
            (Approval, OUTSIDER, false, false),
            (Approval, ADMIN, false, true),
        ];
        for (visibility, standing, blocked, hears) in table {
            let reads = read_threads(visibility, standing).is_ok();
            assert_eq!(follow(visibility, standing).is_ok(), reads, "{visibility:?} {standing:?} follow");
            assert_eq!(search_in(visibility, standing), reads, "{visibility:?} {standing:?} search");
            assert_eq!(hear_of(visibility, standing, blocked), hears, "{visibility:?} {standing:?} {blocked} hear");
        }
    }

    #[test]
    fn blocks_hide_content_except_from_moderators_and_admins() {
        let table = [(Standing::VISITOR, true), (OUTSIDER, true), (MEMBER, true), (MODERATOR, false), (ADMIN, false)];
        for (standing, hides) in table {
            assert_eq!(block_hides(standing), hides, "{standing:?}");
            assert_eq!(reply_to(true, standing).is_ok(), !hides, "{standing:?} reply across a block");
            assert!(reply_to(false, standing).is_ok());
            assert_eq!(
                react(Public, standing, true).is_ok(),
                !hides && (standing.is_member() || standing.is_admin),
                "{standing:?} react"
            );
        }
    }

    #[test]
    fn organising_is_for_organisers_who_are_members_moderators_and_admins() {
        let table = [
            (Standing::VISITOR, false, false, false),
            (OUTSIDER, false, false, false),
            (OUTSIDER, true, false, false),
            (MEMBER, false, false, false),
            (MEMBER, true, true, false),
            (MODERATOR, false, true, true),
            (ADMIN, false, true, true),
        ];
        for (standing, organiser_here, organises, appoints) in table {
            assert_eq!(organise(standing, organiser_here).is_ok(), organises, "{standing:?} {organiser_here} organise");
            assert_eq!(appoint_organisers(standing).is_ok(), appoints, "{standing:?} appoint");
            assert_eq!(set_goal(standing, organiser_here).is_ok(), organises, "{standing:?} {organiser_here} goal");
        }
    }

    #[test]
    fn contributing_needs_the_current_guidelines_and_health_data_consent() {
        let current = Acceptance { guidelines: Some("2026-11"), health_data: Some("2026-01") };
        let table = [
            (Acceptance { guidelines: Some("2026-11"), health_data: Some("2026-01") }, None),
            (Acceptance { guidelines: Some("2026-11"), health_data: Some("2025-01") }, Some("consent_required")),
            (Acceptance { guidelines: Some("2025-01"), health_data: Some("2026-01") }, Some("guidelines_not_accepted")),
            (Acceptance { guidelines: None, health_data: Some("2026-01") }, Some("guidelines_not_accepted")),
            (Acceptance { guidelines: Some("2026-11"), health_data: None }, Some("consent_required")),
        ];
        for (accepted, refused) in table {
            assert_eq!(contribute(&current, &accepted, false).err().map(|error| error.code()), refused, "{accepted:?}");
            assert_eq!(
                contribute(&current, &accepted, true).err().map(|error| error.code()),
                Some("consent_withdrawn")
            );
        }
    }

    #[test]
    fn only_oneself_cannot_be_blocked_and_only_admins_erase_others() {
        let member = Member {
            user_id: 1,
            username: "amy".into(),
            display_name: "Amy".into(),
            is_admin: false,
            is_safeguarding_lead: false,
            session_id: 1,
        };
        assert!(block(&member, 1).is_err());
        assert!(block(&member, 2).is_ok());
        assert!(erase_account(&member).is_err());
        assert!(erase_account(&Member { is_admin: true, ..member }).is_ok());
    }

    #[test]
    fn a_support_conversation_is_for_its_member_and_the_leads_only() {
        assert!(support_conversation(1, 1, false).is_ok());
        assert!(support_conversation(2, 1, true).is_ok());
        assert_eq!(support_conversation(2, 1, false).err().map(|error| error.code()), Some("not_found"));
        assert!(open_support_conversation(true).is_ok());
        assert!(open_support_conversation(false).is_err());
    }

    #[test]
    fn only_moderators_and_admins_moderate() {
        assert!(moderate(MODERATOR).is_ok());
        assert!(moderate(ADMIN).is_ok());
        assert!(moderate(MEMBER).is_err());
        assert!(moderate(Standing::VISITOR).is_err());
    }

    #[test]
    fn moderation_follows_the_role_table() {
        use Authority::*;
        use ModerationAction::*;
        let table = [
            (Admin, [true, true, true, true, true]),
            (Moderator, [true, true, true, true, false]),
            (SafeguardingLead, [true, false, false, false, false]),
            (Member, [false, false, false, false, false]),
        ];
        for (authority, expected) in table {
            for (action, allowed) in
                [Review, Remove, ManageThreads, RestrictInCommunity, RunInstance].into_iter().zip(expected)
            {
                assert_eq!(moderation(action, authority).is_ok(), allowed, "{authority:?} {action:?}");
            }
        }
    }

    #[test]
    fn authority_comes_from_the_strongest_role() {
        let mut member = Member {
            user_id: 1,
            username: "sam".into(),
            display_name: "Sam".into(),
            is_admin: false,
            is_safeguarding_lead: false,
            session_id: 1,
        };
        assert_eq!(Authority::of(&member, Some(MEMBER)), Authority::Member);
        assert_eq!(Authority::of(&member, Some(MODERATOR)), Authority::Moderator);
        assert_eq!(Authority::of(&member, None), Authority::Member);
        member.is_safeguarding_lead = true;
        assert_eq!(Authority::of(&member, Some(MEMBER)), Authority::SafeguardingLead);
        assert_eq!(Authority::of(&member, Some(MODERATOR)), Authority::Moderator);
        assert_eq!(Authority::of(&member, Some(MODERATOR)).leading_here(true), Authority::Moderator);
        member.is_safeguarding_lead = false;
        assert_eq!(Authority::of(&member, Some(MEMBER)).leading_here(true), Authority::SafeguardingLead);
        assert_eq!(Authority::of(&member, Some(MEMBER)).leading_here(false), Authority::Member);
        member.is_admin = true;
        assert_eq!(Authority::of(&member, None), Authority::Admin);
    }

    #[test]
    fn the_moderator_who_acted_cannot_decide_the_appeal() {
        let member = Member {
            user_id: 7,
            username: "mo".into(),
            display_name: "Mo".into(),
            is_admin: false,
            is_safeguarding_lead: false,
            session_id: 1,
        };
        assert!(decide_appeal(&member, Authority::Moderator, ModerationAction::Remove, 7, 9).is_err());
        assert!(decide_appeal(&member, Authority::Moderator, ModerationAction::Remove, 8, 9).is_ok());
        assert!(decide_appeal(&member, Authority::Member, ModerationAction::Remove, 8, 9).is_err());
        // Nor the member who appealed, even as an admin.
        assert!(decide_appeal(&member, Authority::Admin, ModerationAction::Remove, 8, 7).is_err());
    }

    #[test]
    fn only_admins_sanction_moderators_and_admins() {
        let mut actor = Member {
            user_id: 1,
            username: "mo".into(),
            display_name: "Mo".into(),
            is_admin: false,
            is_safeguarding_lead: false,
            session_id: 1,
        };
        for (target, allowed) in [(MEMBER, true), (OUTSIDER, true), (MODERATOR, false), (ADMIN, false)] {
            assert_eq!(sanction(&actor, target).is_ok(), allowed, "{target:?}");
        }
        actor.is_admin = true;
        assert!([MEMBER, MODERATOR, ADMIN].into_iter().all(|target| sanction(&actor, target).is_ok()));
    }

    #[test]
    fn nobody_moderates_their_own_case_but_may_tidy_their_own_threads() {
        let member = Member {
            user_id: 7,
            username: "mo".into(),
            display_name: "Mo".into(),
            is_admin: true,
            is_safeguarding_lead: false,
            session_id: 1,
        };
        use ModerationAction::*;
        for action in [Review, Remove, RestrictInCommunity, RunInstance] {
            assert_eq!(own_case(&member, action, Some(7)).err().map(|error| error.code()), Some("own_case"));
            assert!(own_case(&member, action, Some(8)).is_ok());
            assert!(own_case(&member, action, None).is_ok());
        }
        assert!(own_case(&member, ManageThreads, Some(7)).is_ok());
    }
}
