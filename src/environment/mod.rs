//! The user's environment as gvx sees it and changes it, shared by `setup` and `doctor`: the
//! process state ([`process`]), where the shells keep their files ([`site`]), the one reader of
//! shell lines ([`shell_line`], [`conflicts`]), the shells' start-up files as read
//! ([`startup`]), the Windows registry values as data ([`registry`]), questions about files and
//! programs behind one trait ([`disk`]), everything the doctor reads in one read-only
//! [`Snapshot`] ([`snapshot`]), and the editors — the gvx block in a start-up file ([`block`])
//! — through which gvx writes anything outside its store.

pub mod block;
pub mod conflicts;
pub mod disk;
#[cfg(test)]
pub mod fake;
pub mod process;
pub mod registry;
pub mod shell_line;
pub mod site;
pub mod snapshot;
pub mod startup;

pub use disk::Disk;
pub use process::Process;
pub use site::Site;
pub use snapshot::Snapshot;
pub use startup::Scope;
