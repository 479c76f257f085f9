//! Conversions between gix's types and atomic's.

use atomic_core::{FileMode, GitId, Signature};
use gix::objs::tree::{EntryKind, EntryMode};

/// Returns atomic's id for a gix object id.
pub fn git_id(oid: &gix::oid) -> GitId {
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(oid.as_bytes());
    GitId(bytes)
}

/// Returns gix's object id for atomic's id.
pub fn object_id(id: GitId) -> gix::ObjectId {
    gix::ObjectId::from_bytes_or_panic(&id.0)
}

/// Returns the file mode of a tree entry, `None` for a tree.
pub(crate) fn file_mode(mode: EntryMode) -> Option<FileMode> {
    match mode.kind() {
        EntryKind::Tree => None,
        EntryKind::Blob => Some(FileMode::Blob),
        EntryKind::BlobExecutable => Some(FileMode::Executable),
        EntryKind::Link => Some(FileMode::Symlink),
        EntryKind::Commit => Some(FileMode::Submodule),
    }
}

/// Returns the tree entry kind of a file mode.
pub(crate) fn entry_kind(mode: FileMode) -> EntryKind {
    match mode {
        FileMode::Blob => EntryKind::Blob,
        FileMode::Executable => EntryKind::BlobExecutable,
        FileMode::Symlink => EntryKind::Link,
        FileMode::Submodule => EntryKind::Commit,
    }
}

/// Returns atomic's signature for a git signature; an unparsable time becomes 0 +0000.
pub fn signature_from_git(sig: gix::actor::SignatureRef<'_>) -> Signature {
    let time = sig.time().unwrap_or_default();
    Signature {
        name: String::from_utf8_lossy(sig.name).into_owned(),
        email: String::from_utf8_lossy(sig.email).into_owned(),
        time_seconds: time.seconds,
        offset_seconds: time.offset,
    }
}

/// Returns the git signature for atomic's signature.
pub fn signature_to_git(sig: &Signature) -> gix::actor::Signature {
    gix::actor::Signature {
        name: sig.name.as_str().into(),
        email: sig.email.as_str().into(),
        time: gix::date::Time::new(sig.time_seconds, sig.offset_seconds),
    }
}

/// git's date formats for [`gix::date::Time::format_or_unix`]: `DEFAULT`
/// (`Tue Nov 14 23:13:20 2023 +0100`), `ISO8601`, `SHORT`, ...
pub use gix::date::time::format as date_format;
