//! Which paths a session may write: git's rules, and the system's limits.
//!
//! ### Relation to git
//! git's `verify_path()` (read-cache.c) refuses, at every index add and so at every
//! checkout, a path with an empty, `.` or `..` component, or a component that is `.git` in
//! any case or one of its NTFS forms (`git~1`, `.git.`, `.git::$INDEX_ALLOCATION`, also
//! after a backslash) or HFS+ forms (with ignorable code points such as U+200C); for a
//! symlink, any `.gitmodules` component too. `core.protectNTFS` is on by default on every
//! platform; atomic also applies the HFS+ rules, so that a path written here checks out on
//! macOS too. The component checks are gitoxide's (`gix::validate::path::component`).

use gix::bstr::ByteSlice;
use gix::validate::path::component::{Mode, Options};

/// The longest path component the system accepts, in bytes (Linux `NAME_MAX`).
pub const MAX_COMPONENT_BYTES: usize = 255;
/// The longest absolute path the system accepts, in bytes, without the terminating NUL
/// (Linux `PATH_MAX` is 4,096 with it).
pub const MAX_PATH_BYTES: usize = 4095;

/// Why a path was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    /// Empty, absolute, with a trailing `/`, or with empty, `.` or `..` components.
    #[error(
        "`{path}` is not a relative path inside the repository (no leading or trailing /, no empty, . or .. components)"
    )]
    NotRelative {
        /// The path given.
        path: String,
    },
    /// A component git refuses: `.git` or a look-alike of it, or a `.gitmodules` symlink.
    #[error("`{path}` has a component git refuses to check out ({reason})")]
    Refused {
        /// The path given.
        path: String,
        /// Which rule: e.g. "a name git reads as .git".
        reason: String,
    },
    /// Inside atomic's own directory.
    #[error("`{path}` is inside .atomic, which sessions cannot touch")]
    Reserved {
        /// The path given.
        path: String,
    },
    /// A component or the whole path is longer than the system allows.
    #[error("`{path}` is too long: {what} is {bytes} bytes, over the limit of {limit}")]
    TooLong {
        /// The path given (cut to its first 80 bytes).
        path: String,
        /// "a component" or "the path".
        what: &'static str,
        /// Its length in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
}

fn short(path: &str) -> String {
    if path.len() <= 80 {
        return path.to_owned();
    }
    let mut end = 80;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &path[..end])
}

/// Returns `path` when a session may write it as a file (`symlink`: as a symbolic link)
/// in a repository whose root is `root_bytes` long: relative, `/`-separated, every
/// component one git checks out, nothing under `.atomic`, within the system's limits.
///
/// # Errors
/// [`PathError`] saying which rule it breaks.
pub fn validate_path(path: &str, symlink: bool, root_bytes: usize) -> Result<String, PathError> {
    let not_relative = || PathError::NotRelative { path: short(path) };
    if path.is_empty() || path.starts_with('/') || path.contains('\0') {
        return Err(not_relative());
    }
    let total = root_bytes + 1 + path.len();
    if total > MAX_PATH_BYTES {
        return Err(PathError::TooLong {
            path: short(path),
            what: "the path",
            bytes: total,
            limit: MAX_PATH_BYTES,
        });
    }
    let options = Options {
        protect_windows: false,
        protect_hfs: true,
        protect_ntfs: true,
    };
    let mode = symlink.then_some(Mode::Symlink);
    for component in path.split('/') {
        if component.is_empty() || component == "." || component == ".." {
            return Err(not_relative());
        }
        if component.len() > MAX_COMPONENT_BYTES {
            return Err(PathError::TooLong {
                path: short(path),
                what: "a component",
                bytes: component.len(),
                limit: MAX_COMPONENT_BYTES,
            });
        }
        if component.eq_ignore_ascii_case(".atomic") {
            return Err(PathError::Reserved { path: short(path) });
        }
        // git on Linux also checks what follows each backslash for NTFS's `.git` forms.
        for piece in component.split('\\').filter(|p| !p.is_empty()) {
            gix::validate::path::component(piece.as_bytes().as_bstr(), mode, options).map_err(
                |e| PathError::Refused {
                    path: short(path),
                    reason: e.to_string(),
                },
            )?;
        }
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_with_ordinary_names_pass() {
        for ok in [
            "src/lib.rs",
            "a b/c.d",
            ".github/workflows/ci.yml",
            "x/.gitignore",
            "a:b",
        ] {
            assert_eq!(validate_path(ok, false, 10), Ok(ok.to_owned()), "{ok}");
        }
        assert!(validate_path(".gitmodules", false, 10).is_ok());
    }

    #[test]
    fn malformed_paths_are_not_relative() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "./a",
            "a/",
            "a\0b",
        ] {
            assert!(
                matches!(
                    validate_path(bad, false, 10),
                    Err(PathError::NotRelative { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn git_and_its_look_alikes_are_refused_everywhere() {
        for bad in [
            ".git/config",
            "x/.GIT/HEAD",
            ".Git",
            "git~1/config",
            "GIT~1",
            ".git./hooks/x",
            ".git::$INDEX_ALLOCATION/x",
            ".g\u{200c}it/config",
            "\u{feff}.git/config",
            "a/foo\\.git/x",
        ] {
            assert!(
                matches!(
                    validate_path(bad, false, 10),
                    Err(PathError::Refused { .. })
                ),
                "{bad:?}: {:?}",
                validate_path(bad, false, 10)
            );
        }
        assert!(matches!(
            validate_path(".gitmodules", true, 10),
            Err(PathError::Refused { .. })
        ));
        for reserved in [".atomic/store/CURRENT", "x/.ATOMIC"] {
            assert!(matches!(
                validate_path(reserved, false, 10),
                Err(PathError::Reserved { .. })
            ));
        }
    }

    #[test]
    fn names_and_paths_over_the_system_limits_are_refused() {
        let long = "a".repeat(256);
        assert!(matches!(
            validate_path(&long, false, 10),
            Err(PathError::TooLong {
                what: "a component",
                bytes: 256,
                ..
            })
        ));
        assert!(validate_path(&"a".repeat(255), false, 10).is_ok());
        let deep = vec!["d".repeat(200); 21].join("/");
        assert!(matches!(
            validate_path(&deep, false, 10),
            Err(PathError::TooLong {
                what: "the path",
                ..
            })
        ));
        // The root counts too.
        let path = "p".repeat(100);
        assert!(validate_path(&path, false, 3994).is_ok());
        assert!(validate_path(&path, false, 3995).is_err());
    }
}
