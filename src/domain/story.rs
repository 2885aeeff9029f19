//! How far a story may travel. A story is a thread its author started as
//! one: its own text goes as far as its reach says, its replies never
//! further than the community.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::community::text_enum;
use crate::error::ApiError;

/// Who may read a story's own text, narrowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Those who may read the community, as for any thread.
    Community,
    /// Also any signed-in member of the instance.
    Instance,
    /// Also anyone, signed out, at the story's link.
    Public,
}

text_enum!(Reach { Community => "community", Instance => "instance", Public => "public" });

impl Reach {
    /// The reaches that carry a story to a reader who may not read its
    /// community: a signed-in member is reached by `instance` and `public`
    /// stories, a signed-out visitor by `public` ones.
    pub fn beyond_community(signed_in: bool) -> &'static [Reach] {
        if signed_in { &[Reach::Instance, Reach::Public] } else { &[Reach::Public] }
    }

    /// Whether this reach carries a story to a reader outside its community.
    pub fn carries_to(self, signed_in: bool) -> bool {
        Self::beyond_community(signed_in).contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reach_carries_a_story_only_as_far_as_it_says() {
        assert!(!Reach::Community.carries_to(true));
        assert!(Reach::Instance.carries_to(true));
        assert!(!Reach::Instance.carries_to(false));
        assert!(Reach::Public.carries_to(false));
        assert!(Reach::Community < Reach::Instance && Reach::Instance < Reach::Public, "narrowest first");
    }
}
