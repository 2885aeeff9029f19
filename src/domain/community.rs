//! What a community is: its address, its kind (a shared condition or a
//! shared place) and who may read it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// The community's address: 3-48 lower-case letters, digits and single
/// dashes, starting with a letter.
#[derive(Debug, Clone)]
pub struct CommunitySlug(String);

impl CommunitySlug {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let shape_ok = text.starts_with(|c: char| c.is_ascii_lowercase())
            && !text.ends_with('-')
            && !text.contains("--")
            && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !(3..=48).contains(&text.len()) || !shape_ok {
            return Err(ApiError::invalid(
                "invalid_slug",
                "A community address must be 3 to 48 lower-case letters, digits and single dashes, starting with a letter.",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

pub fn parse_name(text: &str) -> Result<String, ApiError> {
    super::checked_text(text, "invalid_name", "A community name", 3, 80)
}

pub fn parse_banner(text: &str) -> Result<String, ApiError> {
    super::checked_text(text, "invalid_banner", "A banner", 0, 200)
}

/// Longest community description or rules, in characters of Markdown.
pub const MAX_ABOUT_CHARS: usize = 10_000;

pub fn check_about(text: &str, what: &str) -> Result<(), ApiError> {
    if text.chars().count() > MAX_ABOUT_CHARS {
        return Err(ApiError::invalid("too_long", format!("{what} can be at most {MAX_ABOUT_CHARS} characters long.")));
    }
    super::refuse_nul(text, "invalid_text", what)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunityKind {
    /// People who share a condition, e.g. "Living with COPD".
    Condition,
    /// People who share a place, e.g. "Walsall walkers".
    Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Threads readable by anyone, including visitors.
    Public,
    /// Threads readable by members; anyone signed in may join.
    Members,
    /// Threads readable by members; joining needs a moderator's approval.
    Approval,
}

/// A place-based community's place.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    pub region: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A place given to a community that is not place-based.
pub fn place_refused() -> ApiError {
    ApiError::invalid("invalid_place", "Only a place-based community has a place.")
}

impl Place {
    pub fn parse(self) -> Result<Self, ApiError> {
        let name = super::checked_text(&self.name, "invalid_place", "A place name", 2, 80)?;
        let region =
            self.region.map(|region| super::checked_text(&region, "invalid_place", "A region", 1, 80)).transpose()?;
        let coordinates_ok = match (self.latitude, self.longitude) {
            (None, None) => true,
            (Some(lat), Some(lon)) => (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon),
            _ => false,
        };
        if !coordinates_ok {
            return Err(ApiError::invalid(
                "invalid_place",
                "Coordinates need both a latitude (-90 to 90) and a longitude (-180 to 180).",
            ));
        }
        Ok(Self { name, region, latitude: self.latitude, longitude: self.longitude })
    }
}

macro_rules! text_enum {
    ($type:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $type {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// Reads the stored form; an unknown value is a broken row.
            pub fn from_stored(text: &str) -> Result<Self, ApiError> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    other => Err(ApiError::internal(format!(
                        "unknown {} in the database: {other}", stringify!($type)
                    ))),
                }
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(CommunityKind { Condition => "condition", Place => "place" });
text_enum!(Visibility { Public => "public", Members => "members", Approval => "approval" });

/// A member's standing in one community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunityRole {
    Member,
    Moderator,
}

text_enum!(CommunityRole { Member => "member", Moderator => "moderator" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_single_dashes() {
        assert!(CommunitySlug::parse("living-with-copd").is_ok());
        assert!(CommunitySlug::parse("Living").is_err());
        assert!(CommunitySlug::parse("a--b").is_err());
        assert!(CommunitySlug::parse("-ab").is_err());
        assert!(CommunitySlug::parse("ab-").is_err());
        assert!(CommunitySlug::parse("1ab").is_err());
    }

    #[test]
    fn a_place_needs_both_coordinates_or_neither() {
        let place = |latitude, longitude| Place { name: "Walsall".into(), region: None, latitude, longitude };
        assert!(place(None, None).parse().is_ok());
        assert!(place(Some(52.58), Some(-1.98)).parse().is_ok());
        assert!(place(Some(52.58), None).parse().is_err());
        assert!(place(Some(91.0), Some(0.0)).parse().is_err());
    }
}
