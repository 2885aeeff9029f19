//! Who a member is: a username others can mention, a display name (a
//! pseudonym is normal here) and a password that meets the minimum.

use moderation::mention;

use crate::error::ApiError;

/// 3-32 ASCII letters, digits, `_` or `-`; unique ignoring case.
#[derive(Debug, Clone)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let valid_chars = text.chars().all(mention::is_name_char);
        if !mention::NAME_LENGTH.contains(&text.len()) || !valid_chars {
            return Err(ApiError::invalid(
                "invalid_username",
                "A username must be 3 to 32 characters: letters, digits, '_' or '-'.",
            ));
        }
        if key_of(text).starts_with(ERASED_PREFIX) {
            return Err(ApiError::invalid(
                "invalid_username",
                "Usernames starting with 'former-member-' are reserved.",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is decided on.
    pub fn key(&self) -> String {
        key_of(&self.0)
    }
}

/// What an erased account's username starts with; nobody may register one.
pub const ERASED_PREFIX: &str = "former-member-";

/// The case-folded form of a username, as stored for lookups.
pub fn key_of(username: &str) -> String {
    username.to_ascii_lowercase()
}

/// Up to 64 graphemes, no control characters, nothing hidden (see
/// `domain::visible`); checked against look-alikes when stored.
#[derive(Debug, Clone)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        super::checked_text(text, "invalid_display_name", "A display name", 1, 64).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A new password: 10 to 1,024 characters (the upper bound keeps hashing
/// cost bounded).
pub struct Password(String);

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 1024;

impl Password {
    pub fn parse(text: String) -> Result<Self, ApiError> {
        let length = text.chars().count();
        if length < MIN_PASSWORD_CHARS {
            return Err(ApiError::invalid(
                "weak_password",
                format!("A password must be at least {MIN_PASSWORD_CHARS} characters long."),
            ));
        }
        if length > MAX_PASSWORD_CHARS {
            return Err(ApiError::invalid(
                "invalid_password",
                format!("A password can be at most {MAX_PASSWORD_CHARS} characters long."),
            ));
        }
        Ok(Self(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// An email address, trimmed and lower-cased (addresses are matched ignoring
/// case); at most 254 characters with one `@` between a local part and a
/// dotted domain. Its `Debug` hides it, so it never reaches a log.
#[derive(Clone)]
pub struct Email(String);

pub const MAX_EMAIL_CHARS: usize = 254;

impl Email {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let text = text.trim().to_lowercase();
        let well_formed = text.len() <= MAX_EMAIL_CHARS
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.split('.').count() >= 2
                    && domain.split('.').all(|label| !label.is_empty())
            });
        if well_formed {
            Ok(Self(text))
        } else {
            Err(ApiError::invalid(
                "invalid_email",
                format!("Please enter an email address like name@example.org (at most {MAX_EMAIL_CHARS} characters)."),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Email(<hidden>)")
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<hidden>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_allow_letters_digits_underscore_and_dash() {
        assert!(Username::parse("amy_b-2").is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse(&"a".repeat(33)).is_err());
        assert!(Username::parse("amy b").is_err());
        assert!(Username::parse("émilie").is_err());
        assert!(Username::parse("Former-Member-7").is_err());
        assert!(Username::parse("former-members").is_ok());
    }

    #[test]
    fn display_names_count_graphemes_not_bytes() {
        assert!(DisplayName::parse(&"👩‍👧".repeat(64)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(65)).is_err());
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("Amy\u{0007}").is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(Email::parse(" Amy@Example.ORG ").map(|email| email.0).ok().as_deref(), Some("amy@example.org"));
        for bad in ["amy", "amy@", "@example.org", "amy@example", "amy@@example.org", "a my@example.org", "amy@.org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        let longest = format!("{}@example.org", "a".repeat(MAX_EMAIL_CHARS - 12));
        assert!(Email::parse(&longest).is_ok());
        assert!(Email::parse(&format!("a{longest}")).is_err());
        assert_eq!(format!("{:?}", Email::parse("amy@example.org")), "Ok(Email(<hidden>))");
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(Password::parse("123456789".into()).is_err());
        assert!(Password::parse("1234567890".into()).is_ok());
        assert!(Password::parse("x".repeat(1025)).is_err());
    }
}
