"""Drives `atomic mcp` as an agent host does, with the official MCP Python SDK.

Usage: python3 agents.py ATOMIC REPO MODE TRANSCRIPT
MODE is "legacy" (protocol 2025-11-25, initialize) or "2026-07-28" (stateless).
Asserts as it goes (exit 1 on the first failure) and writes every tool call and its
structured result to TRANSCRIPT as JSON lines.
"""

import json
import os
import sys

import anyio
from mcp import Client, StdioServerParameters

ATOMIC, REPO, MODE, TRANSCRIPT = sys.argv[1:5]
EXPECTED_VERSION = "2025-11-25" if MODE == "legacy" else "2026-07-28"
log = open(TRANSCRIPT, "w")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


async def call(client, tool, args, *, error=False):
    result = await client.call_tool(tool, args)
    doc = result.structured_content
    log.write(json.dumps({"tool": tool, "arguments": args, "is_error": bool(result.is_error), "result": doc}) + "\n")
    check(bool(result.is_error) == error, f"{tool} {args}: is_error={result.is_error}: {doc}")
    check(result.content and result.content[0].type == "text", f"{tool}: a text block")
    return doc


async def new_session(client, agent):
    s = await call(client, "atomic_session_new", {"agent": agent, "intent": f"{agent}'s task"})
    check("token" not in json.dumps(s), "no token in the result")
    return s["session_id"]


async def conflicting(client, agent, old, new):
    """A session whose edit of `b` conflicts with what landed: returns it and the block."""
    sid = await new_session(client, agent)
    await call(client, "atomic_edit", {"session_id": sid, "path": "lib.rs", "old": old, "new": new})
    return sid


async def main():
    params = StdioServerParameters(command=ATOMIC, args=["mcp"], cwd=REPO, env=dict(os.environ))
    async with Client(params, mode=MODE) as client:
        check(client.protocol_version == EXPECTED_VERSION, f"version {client.protocol_version}")
        tools = (await client.list_tools()).tools
        names = {t.name for t in tools}
        for t in tools:
            check(t.output_schema is not None and t.title, f"{t.name}: a title and an output schema")
            check(t.annotations is not None and t.annotations.read_only_hint is not None, t.name)
        check({"atomic_session_new", "atomic_edit", "atomic_submit", "atomic_resolve", "atomic_watch"} <= names, names)

        # Two agents edit different functions of one file: both merge.
        x, y = await new_session(client, "x"), await new_session(client, "y")
        text = (await call(client, "atomic_read", {"session_id": x, "path": "lib.rs"}))["text"]
        check("fn a()" in text, text)
        w = await call(client, "atomic_edit", {"session_id": x, "path": "lib.rs", "old": "    1\n", "new": "    10\n"})
        check([s["scoped_name"] for s in w["symbols"]] == ["a"], w)
        await call(client, "atomic_edit", {"session_id": y, "path": "lib.rs", "old": "    3\n", "new": "    30\n"})
        status = await call(client, "atomic_status", {"session_id": y})
        check(status["session_id"] == y and [f["path"] for f in status["files"]] == ["lib.rs"], status)
        for s in (x, y):
            landed = await call(client, "atomic_submit", {"session_id": s, "message": f"edit by {s}"})
            check(landed["status"] == "merged", landed)

        # Each resolution action settles a conflict on `b`, which the branch changes first.
        events_before = (await call(client, "atomic_watch", {"since": 0}))["next_since"]
        current = "    2\n"
        for k, action in enumerate(("keep_yours", "keep_theirs", "proceed", "manual"), start=1):
            t_line, m_line, fix_line = (f"    {100 * k + i}\n" for i in (1, 2, 3))
            theirs = await conflicting(client, f"t-{action}", current, t_line)
            mine = await conflicting(client, f"m-{action}", current, m_line)
            check((await call(client, "atomic_submit", {"session_id": theirs, "message": "theirs"}))["status"] == "merged", action)
            if k == 1:
                # A later change to another function of the file: the block still names
                # the change that touched `b`.
                other = await new_session(client, "other")
                await call(client, "atomic_edit", {"session_id": other, "path": "lib.rs", "old": "    30\n", "new": "    31\n"})
                check((await call(client, "atomic_submit", {"session_id": other, "message": "other"}))["status"] == "merged", "other")
            block = await call(client, "atomic_submit", {"session_id": mine, "message": "mine"})
            check(block["status"] == "conflict", block)
            sym = block["conflicting_symbols"][0]
            check(sym["symbol"] == "b" and t_line in sym["theirs"] and m_line in sym["yours"], sym)
            check(sym["their_change"]["by"]["agent"] == f"t-{action}", sym)
            args = {"session_id": mine, "action": action}
            if action == "manual":
                # The file's whole contents, as the agent settled them.
                mine_text = (await call(client, "atomic_read", {"session_id": mine, "path": "lib.rs"}))["text"]
                args["text"] = mine_text.replace(m_line, fix_line)
            await call(client, "atomic_resolve", args)
            after = (await call(client, "atomic_read", {"session_id": mine, "path": "lib.rs"}))["text"]
            if action == "proceed":
                check("<<<<<<<" in after, after)
                refused = await call(client, "atomic_submit", {"session_id": mine, "message": "markers"}, error=True)
                check(refused["error"]["kind"] == "conflict_markers", refused)
            expected = {"keep_yours": m_line, "keep_theirs": t_line, "proceed": None, "manual": fix_line}[action]
            if expected is None or expected == t_line:
                check(action == "proceed" or (t_line in after and m_line not in after), after)
                await call(client, "atomic_close", {"session_id": mine})
                current = t_line
                continue
            check(expected in after, after)
            landed = await call(client, "atomic_submit", {"session_id": mine, "message": f"resolved by {action}"})
            check(landed["status"] == "merged", landed)
            current = expected

        events = await call(client, "atomic_watch", {"since": events_before})
        check(any(e["symbol"] == "b" and e["agent"] and e["agent"].startswith("t-") for e in events["events"]), events)
        check(events["next_since"] > events_before, events)

        # A session this server did not create, and bad input, are refused.
        refused = await call(client, "atomic_read", {"session_id": "s-0000000000000000", "path": "lib.rs"}, error=True)
        check(refused["error"]["kind"] == "unknown_session", refused)
        z = await new_session(client, "z")
        missing = await call(client, "atomic_edit", {"session_id": z, "path": "lib.rs", "old": "nowhere", "new": "x"}, error=True)
        check(missing["error"]["kind"] == "edit_not_found", missing)
        await call(client, "atomic_close", {"session_id": z})


anyio.run(main)
print("ok")
