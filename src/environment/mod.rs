//! The user's environment as gvx sees it and changes it, shared by `setup` and `doctor`: the
//! process state ([`process`]), where the shells keep their files ([`site`]), the one reader of
//! shell lines ([`shell_line`], [`conflicts`]), the editors that compute changes as data
//! ([`edit`]: the gvx block in a start-up file ([`block`]), lines commented out or added
//! ([`lines`]), the Windows user Path ([`user_path`])), and the one writer that carries them
//! out and takes them back ([`apply`], [`registry`]). Nothing outside the store is written
//! any other way.

pub mod apply;
pub mod block;
pub mod conflicts;
pub mod edit;
pub mod lines;
pub mod process;
pub mod registry;
pub mod shell_line;
pub mod site;
pub mod user_path;

pub use apply::{Backups, Journal, Writer, apply, undo};
pub use edit::{Edit, FileEdit, RegData, RegistryEdit};
pub use process::Process;
pub use site::Site;
