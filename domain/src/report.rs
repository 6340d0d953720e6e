//! Reports about a member, for the facilitators of the groups the reporter
//! and the reported member share.

use crate::{goal::named, text::TextRule};

/// Why a member is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportReason {
    /// Unwanted contact, insults, pressure.
    Harassment,
    /// Advertising, repeated unwanted posts.
    Spam,
    /// Something that puts someone at risk.
    Unsafe,
    /// Anything else.
    Other,
}

named!(
    ReportReason,
    "harassment, spam, unsafe, other",
    Harassment => "harassment",
    Spam => "spam",
    Unsafe => "unsafe",
    Other => "other",
);

/// Whether a facilitator has dealt with a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    /// Waiting for a facilitator.
    Open,
    /// A facilitator resolved it.
    Resolved,
}

named!(ReportStatus, "open, resolved", Open => "open", Resolved => "resolved");

/// What the reporter adds, and a facilitator's note on resolving: up to
/// 2,000 characters, several lines.
pub const REPORT_TEXT: TextRule = TextRule::NOTE;
