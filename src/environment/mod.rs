//! The user's environment as gvx sees it and changes it, shared by `setup` and `doctor`: the
//! process state ([`process`]), where the shells keep their files ([`site`]), the one reader of
//! shell lines ([`shell_line`], [`conflicts`]), the shells' start-up files as read
//! ([`startup`]), the Windows registry values as data and their one writer ([`registry`]),
//! questions about files and programs behind one trait ([`disk`]), everything the doctor reads
//! in one read-only [`Snapshot`] ([`snapshot`]), the editors that compute changes as data
//! ([`edit`]: the gvx block in a start-up file ([`block`]), lines commented out or added
//! ([`lines`]), the Windows user Path ([`user_path`])), and the one writer that carries them
//! out and takes them back ([`apply`]). Nothing outside the store is written any other way.

pub mod apply;
pub mod block;
pub mod conflicts;
pub mod disk;
pub mod edit;
#[cfg(test)]
pub mod fake;
pub mod lines;
pub mod planned;
pub mod process;
pub mod registry;
pub mod shell_line;
pub mod site;
pub mod snapshot;
pub mod startup;
pub mod user_path;

pub use apply::{Backups, Journal, Writer, apply, undo};
pub use disk::Disk;
pub use edit::{Edit, FileEdit, RegData, RegistryEdit};
pub use process::Process;
pub use site::Site;
pub use snapshot::Snapshot;
pub use startup::Scope;
