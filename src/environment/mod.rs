//! The user's environment as gvx sees it and changes it, shared by `setup` and `doctor`: the
//! process state ([`process`]), where the shells keep their files ([`site`]), the one reader of
//! shell lines ([`shell_line`], [`conflicts`]), and the editors — the gvx block in a start-up
//! file ([`block`]) — through which gvx writes anything outside its store.

pub mod block;
pub mod conflicts;
pub mod process;
pub mod shell_line;
pub mod site;

pub use process::Process;
pub use site::Site;
