//! The dashboard's requests: checks, routes, and the event stream.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response};

use atomic_repo::Repo;

use super::{POLL, Shared, allowed, state};
use crate::error::CommandError;

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/style.css");

/// The largest request body taken, in bytes (a manual resolution carries a whole file).
const MAX_BODY: u64 = 8 * 1024 * 1024;
/// How often an idle event stream sends a comment, to find closed pages.
const HEARTBEAT: Duration = Duration::from_secs(10);

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

/// The headers every answer carries: never cached, never framed, no referrer (the URL
/// holds the secret), scripts only from this origin.
const COMMON_HEADERS: &[(&str, &str)] = &[
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
];

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    let mut r = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type));
    for (name, value) in COMMON_HEADERS {
        r.add_header(header(name, value));
    }
    r
}

/// A plain-text answer.
pub(super) fn text(status: u16, body: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

fn json(status: u16, value: &serde_json::Value) -> Reply {
    reply(
        status,
        "application/json",
        serde_json::to_vec(value).expect("JSON values serialize"),
    )
}

fn error(status: u16, e: &CommandError) -> Reply {
    json(status, &serde_json::json!({ "error": e }))
}

/// Compares two strings in time that depends only on their lengths.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn header_value<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// Answers one request.
pub(super) fn handle(shared: &Shared, repo: &Repo, mut request: Request) {
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let port = shared.host.rsplit(':').next().unwrap_or("");
    let host_ok = header_value(&request, "Host")
        .is_some_and(|h| h == shared.host || h == format!("localhost:{port}"));
    if !host_ok {
        let _ = request.respond(text(403, "refused: this address serves only 127.0.0.1"));
        return;
    }
    let secret = param("secret").or_else(|| header_value(&request, "X-Atomic-Secret"));
    if !secret.is_some_and(|s| same_secret(s, &shared.secret)) {
        let _ = request.respond(text(
            403,
            "refused: the dashboard needs its secret; open the address `atomic dashboard` prints",
        ));
        return;
    }
    (shared.keepalive)();
    let answer = match (request.method(), path) {
        (Method::Get, "/") => reply(
            200,
            "text/html; charset=utf-8",
            INDEX.replace("{{SECRET}}", &shared.secret).into_bytes(),
        ),
        (Method::Get, "/app.js") => reply(
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        ),
        (Method::Get, "/style.css") => {
            reply(200, "text/css; charset=utf-8", STYLE.as_bytes().to_vec())
        }
        (Method::Get, "/api/state") => match state::read(repo, &shared.secret) {
            Ok(s) => json(200, &serde_json::to_value(s).expect("the state serializes")),
            Err(e) => error(500, &e),
        },
        (Method::Get, "/api/events") => {
            // Where the page left off: `since`, or the id of the last event it saw (sent by
            // a reconnecting EventSource); else from now on.
            let since = param("since")
                .or_else(|| header_value(&request, "Last-Event-ID"))
                .and_then(|s| s.parse().ok());
            let since = match since {
                Some(n) => n,
                None => repo.last_event_seq().unwrap_or(0),
            };
            stream_events(shared, repo, request, since);
            return;
        }
        (Method::Post, p) if p.starts_with("/api/call/") => {
            call(shared, repo, &mut request, &p["/api/call/".len()..])
        }
        _ => text(404, "no such page"),
    };
    let _ = request.respond(answer);
}

/// `POST /api/call/<method>`: runs an allowed method on the JSON body as its params.
fn call(shared: &Shared, repo: &Repo, request: &mut Request, method: &str) -> Reply {
    let Some(on_session) = allowed(method) else {
        return error(404, &CommandError::unknown_method(method));
    };
    let json_body =
        header_value(request, "Content-Type").is_some_and(|t| t.starts_with("application/json"));
    if !json_body {
        return text(415, "send the params as application/json");
    }
    let mut body = Vec::new();
    if let Err(e) = request
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
    {
        return text(400, &format!("cannot read the request: {e}"));
    }
    if body.len() as u64 > MAX_BODY {
        return text(413, "the request is over 8 MiB");
    }
    let mut params: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v @ serde_json::Value::Object(_)) => v,
        _ => return text(400, "the params must be one JSON object"),
    };
    if on_session {
        params["token"] = serde_json::Value::from(shared.secret.clone());
    }
    match crate::api::dispatch(repo, method, params) {
        Ok(result) => json(200, &serde_json::json!({ "result": result })),
        Err(e) => error(if e.kind == "internal" { 500 } else { 400 }, &e),
    }
}

/// `GET /api/events`: server-sent events until the page closes or the server stops.
fn stream_events(shared: &Shared, repo: &Repo, request: Request, mut since: u64) {
    let mut out = request.into_writer();
    let mut head =
        String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n");
    for (name, value) in COMMON_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    let mut generation = repo.generation();
    let mut last_sent = Instant::now();
    loop {
        let mut message = String::new();
        let params = serde_json::json!({ "since": since, "limit": 500 });
        if let Ok(events) = crate::api::dispatch(repo, "events", params)
            && let Some(list) = events.as_array()
        {
            for event in list {
                if let Some(seq) = event.get("seq").and_then(serde_json::Value::as_u64) {
                    since = since.max(seq);
                    message.push_str(&format!("id: {seq}\n"));
                }
                message.push_str(&format!("event: symbol\ndata: {event}\n\n"));
            }
        }
        let now = repo.generation();
        if now != generation {
            generation = now;
            message.push_str(&format!(
                "event: changed\ndata: {{\"generation\":{now}}}\n\n"
            ));
        }
        if message.is_empty() && last_sent.elapsed() >= HEARTBEAT {
            message.push_str(": heartbeat\n\n");
        }
        if !message.is_empty() {
            if out
                .write_all(message.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return;
            }
            last_sent = Instant::now();
            (shared.keepalive)();
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}
