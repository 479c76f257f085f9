//! Review comments on lines of a session's diff, kept with the session until it is closed
//! or pruned; and the repository owner's token (the dashboard's secret), which acts on any
//! session as its own token would.

use serde::{Deserialize, Serialize};

use crate::engine::{now_ns, now_seconds};
use crate::tables::{COMMENTS, OWNER};
use crate::{Result, Session, SessionError, Sessions, hash_token};
use atomic_store::pair_prefix;

/// The key of the owner token's hash in the store's single values.
pub const OWNER_KEY: &str = "owner_token_hash";

/// The longest comment text, in bytes.
pub const MAX_COMMENT_BYTES: usize = 64 * 1024;

/// A review comment on one line of a file the session changed.
///
/// Stored with postcard: every field is always written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comment {
    /// The comment's id: 16 hex digits, ordered by time within the session.
    pub id: String,
    /// The file, relative to the repository root.
    pub path: String,
    /// The line in the session's version of the file, from 1.
    pub line: u32,
    /// What the reviewer wrote.
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// When, seconds since the Unix epoch.
    pub time_seconds: i64,
}

impl Sessions<'_> {
    /// Adds a comment by `author` on `line` (from 1, in the session's version) of `path`,
    /// which the session must have changed. One batch.
    ///
    /// # Errors
    /// [`SessionError::BadComment`] for a path outside the session's diff, line 0, or
    /// empty or oversized text; store errors.
    pub fn add_comment(
        &self,
        session: &Session,
        path: &str,
        line: u32,
        text: &str,
        author: &str,
    ) -> Result<Comment> {
        let bad = |reason: String| Err(SessionError::BadComment { reason });
        if !self.overlay(&session.id)?.contains_key(path) {
            return bad(format!(
                "`{path}` is not in session `{}`'s diff",
                session.id
            ));
        }
        if line == 0 {
            return bad("lines count from 1".into());
        }
        if text.trim().is_empty() || text.len() > MAX_COMMENT_BYTES {
            return bad(format!(
                "the text must be 1 to {MAX_COMMENT_BYTES} bytes, not only spaces"
            ));
        }
        if author.trim().is_empty() {
            return bad("the author needs a name".into());
        }
        let comment = Comment {
            id: format!("{:016x}", now_ns()),
            path: path.to_owned(),
            line,
            text: text.to_owned(),
            author: author.trim().to_owned(),
            time_seconds: now_seconds(),
        };
        let mut batch = self.store.batch();
        batch.put(
            COMMENTS,
            &(session.id.clone(), comment.id.clone()),
            &comment,
        );
        self.store.write(batch)?;
        Ok(comment)
    }

    /// Returns session `id`'s comments, oldest first.
    ///
    /// # Errors
    /// Store errors.
    pub fn comments(&self, id: &str) -> Result<Vec<Comment>> {
        Ok(self
            .store
            .list(COMMENTS, &pair_prefix(id))?
            .into_iter()
            .map(|(_, c)| c)
            .collect())
    }

    /// Makes `token` the owner's token (`None`: there is none), replacing any before it.
    /// The owner's token passes wherever a session's own token does.
    ///
    /// # Errors
    /// Store errors.
    pub fn set_owner_token(&self, token: Option<&str>) -> Result<()> {
        let mut batch = self.store.batch();
        match token {
            Some(t) => batch.put(OWNER, &OWNER_KEY.to_owned(), &hash_token(t)),
            None => batch.delete(OWNER, &OWNER_KEY.to_owned()),
        }
        self.store.write(batch)?;
        Ok(())
    }

    /// Whether `hash` is the hash of the owner's token.
    pub(crate) fn is_owner(&self, hash: &str) -> Result<bool> {
        Ok(self
            .store
            .get(OWNER, &OWNER_KEY.to_owned())?
            .is_some_and(|h| h == hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_round_trip_through_postcard() {
        let c = Comment {
            id: "0000000000000001".into(),
            path: "src/lib.rs".into(),
            line: 3,
            text: "why?".into(),
            author: "ana".into(),
            time_seconds: 5,
        };
        let bytes = postcard::to_stdvec(&c).expect("encodes");
        assert_eq!(postcard::from_bytes::<Comment>(&bytes).expect("decodes"), c);
    }
}
