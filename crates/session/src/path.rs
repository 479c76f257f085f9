//! Which paths a session may touch.

/// Why a path was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    /// Empty, absolute, or with `.`/`..`/empty segments.
    #[error(
        "`{path}` is not a relative path inside the repository (no leading /, no . or .. segments)"
    )]
    NotRelative {
        /// The path given.
        path: String,
    },
    /// Inside `.git` or `.atomic`.
    #[error("`{path}` is inside .git or .atomic, which sessions cannot touch")]
    Reserved {
        /// The path given.
        path: String,
    },
}

/// Returns `path` normalized (`\\` is not a separator; a trailing `/` is refused) when a
/// session may write it: relative, inside the repository, not under `.git` or `.atomic`.
///
/// # Errors
/// [`PathError`] saying why not.
pub fn validate_path(path: &str) -> Result<String, PathError> {
    let bad = || PathError::NotRelative {
        path: path.to_owned(),
    };
    if path.is_empty() || path.starts_with('/') || path.contains('\0') {
        return Err(bad());
    }
    let segments: Vec<&str> = path.split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err(bad());
    }
    if segments.iter().any(|s| *s == ".git" || *s == ".atomic") {
        return Err(PathError::Reserved {
            path: path.to_owned(),
        });
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_paths_outside_git_and_atomic_pass() {
        assert_eq!(validate_path("src/lib.rs"), Ok("src/lib.rs".into()));
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
                matches!(validate_path(bad), Err(PathError::NotRelative { .. })),
                "{bad:?}"
            );
        }
        for reserved in [".git/config", "x/.git/HEAD", ".atomic/store/CURRENT"] {
            assert!(
                matches!(validate_path(reserved), Err(PathError::Reserved { .. })),
                "{reserved}"
            );
        }
    }
}
