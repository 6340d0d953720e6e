//! A member as partner matching sees them.

use crate::{DisplayName, MemberId, RecoveryFocus, TimeZone};
use chrono::NaiveDate;

/// What suggestions and pairing know of a member: the parts of their
/// profile that bear on a good match, and how many partnerships they have.
/// The api crate builds it from stored rows; nothing here is checked again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Who they are.
    pub id: MemberId,
    /// The name the reasons speak of ("Ben has room for 2 more partners").
    pub display_name: DisplayName,
    /// What they are recovering from; may be empty, order and repeats do
    /// not matter.
    pub focus: Vec<RecoveryFocus>,
    /// Where their days begin and end.
    pub timezone: TimeZone,
    /// When their recovery began, if they said. Without it they are
    /// neither a newcomer nor a mentor, and no reason mentions it.
    pub recovery_since: Option<NaiveDate>,
    /// Whether they would mentor a newcomer.
    pub willing_to_mentor: bool,
    /// Whether they may be suggested or paired at all.
    pub open_to_partnering: bool,
    /// How many partnerships they want at most.
    pub max_partners: u8,
    /// How many partnerships they have now, pending or active.
    pub open_partnerships: u32,
}

impl Person {
    /// How many more partnerships they want: `max_partners` less
    /// `open_partnerships`, never below zero.
    #[must_use]
    pub fn spare_capacity(&self) -> u32 {
        u32::from(self.max_partners).saturating_sub(self.open_partnerships)
    }
}
