//! What a chat message is made of: a short Markdown body and the client's
//! own id for it, which makes a resend after a dropped connection safe.

use crate::error::ApiError;

/// Longest chat message, in characters of Markdown.
pub const MAX_CHAT_CHARS: usize = 2_000;

#[derive(Debug, Clone)]
pub struct ChatBody(String);

impl ChatBody {
    pub fn parse(text: String) -> Result<Self, ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::invalid("empty_message", "A message cannot be empty."));
        }
        super::refuse_nul(&text, "invalid_message", "A message")?;
        if text.chars().count() > MAX_CHAT_CHARS {
            return Err(ApiError::invalid(
                "message_too_long",
                format!("A chat message can be at most {MAX_CHAT_CHARS} characters long."),
            ));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// 1-64 visible ASCII characters chosen by the client, unique per sender and room.
#[derive(Debug, Clone)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        if text.is_empty() || text.len() > 64 || !text.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(ApiError::invalid(
                "invalid_client_id",
                "A client id must be 1 to 64 visible ASCII characters.",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn parse_room_name(text: &str) -> Result<String, ApiError> {
    super::checked_text(text, "invalid_room_name", "A room name", 2, 60)
}
