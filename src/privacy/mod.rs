//! What members' data protection asks of the server, beyond the requests
//! themselves: the export document, erasure, and the retention job that
//! forgets what is no longer needed. Each works table group by table group,
//! so a new kind of personal data is one more function in each.

pub mod erase;
pub mod export;
mod mentions;
pub mod retention;
