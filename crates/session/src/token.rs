//! Session ids and secret tokens.

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Returns a new session id: `s-` and 16 random hex digits.
pub fn new_session_id() -> String {
    format!("s-{}", random_hex(8))
}

/// Returns a new secret token (64 random hex digits) and its hash, which is what is stored.
pub fn new_token() -> (String, String) {
    let token = random_hex(32);
    let hash = hash_token(&token);
    (token, hash)
}

/// Returns the stored form of a token: blake3, hex.
pub fn hash_token(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_matches() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), ha);
        assert_ne!(hash_token(&b), ha);
        assert!(new_session_id().starts_with("s-"));
    }
}
