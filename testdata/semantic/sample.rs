//! An authentication module.

use std::collections::HashMap;
use crate::store::{Store, Key as StoreKey};

/// How long a session lives, in seconds.
pub const SESSION_TTL: u64 = 3600;

pub mod auth {
    use super::SESSION_TTL;

    /// A logged-in user's session.
    #[derive(Debug, Clone)]
    pub struct Session<T> {
        pub user: String,
        expires_at: u64,
        data: T,
    }

    pub enum Role {
        Admin,
        Member { since: u64 },
        Guest(u32),
    }

    pub trait Validate {
        fn validate(&self, now: u64) -> bool;
        fn name(&self) -> &str {
            "validator"
        }
    }

    impl<T: Clone> Session<T> {
        pub fn new(user: &str, data: T, now: u64) -> Self {
            Session { user: user.to_owned(), expires_at: now + SESSION_TTL, data }
        }

        fn remaining(&self, now: u64) -> u64 {
            self.expires_at.saturating_sub(now)
        }
    }

    impl<T> Validate for Session<T> {
        fn validate(&self, now: u64) -> bool {
            self.remaining_checked(now) > 0
        }
    }

    impl<T> Session<T> {
        fn remaining_checked(&self, now: u64) -> u64 {
            self.expires_at.checked_sub(now).unwrap_or(0)
        }
    }
}

pub fn login(store: &mut Store, user: &str) -> auth::Session<()> {
    let session = auth::Session::new(user, (), 0);
    store.put(StoreKey::from(user), &session);
    helper(1);
    session
}

fn helper(x: u32) -> u32 {
    fn nested(y: u32) -> u32 {
        y * 2
    }
    nested(x)
}

macro_rules! log_event {
    ($e:expr) => {
        println!("{}", $e)
    };
}

type Registry = HashMap<String, u64>;
