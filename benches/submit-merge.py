#!/usr/bin/env python3
"""Times submits that need a merge, through one connection to a running `atomic serve`.

Usage: benches/submit-merge.py ROOT ROUNDS FILE1 FILE2
  ROOT    an atomic repository with `atomic serve` running
  ROUNDS  how many rounds: each makes two sessions, appends a comment line to FILE1 in the
          first and to FILE2 in the second, submits the first (a fast-forward), then times
          the second's submit (a merge onto the moved branch)
Prints the median, minimum and maximum of the timed submits in ms. Every timed submit must
merge; the script stops at the first error.
"""

import json
import socket
import statistics
import sys
import time


def main():
    root, rounds, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:5]
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(root + "/.atomic/serve.sock")
    stream = sock.makefile("rwb")
    ids = iter(range(1, 1 << 62))

    def call(method, **params):
        request = {"jsonrpc": "2.0", "id": next(ids), "method": method, "params": params}
        stream.write(json.dumps(request).encode() + b"\n")
        stream.flush()
        response = json.loads(stream.readline())
        if "error" in response:
            raise SystemExit(f"{method}: {response['error']}")
        return response["result"]

    times = []
    for k in range(rounds):
        sessions = [call("session.new", agent=f"bench-{k}-{j}") for j in range(2)]
        for s, path in zip(sessions, files):
            auth = {"session_id": s["session_id"], "token": s["token"]}
            text = call("session.read", path=path, **auth)["text"]
            call("session.write", path=path, text=text + f"// {k}\n", **auth)
        first, second = ({"session_id": s["session_id"], "token": s["token"]} for s in sessions)
        call("session.submit", message=f"first {k}", **first)
        started = time.perf_counter()
        result = call("session.submit", message=f"second {k}", **second)
        times.append((time.perf_counter() - started) * 1e3)
        if result["status"] != "merged":
            raise SystemExit(f"round {k}: {result}")
    print(f"submit with a merge: median {statistics.median(times):.1f} ms, "
          f"min {min(times):.1f}, max {max(times):.1f} ({rounds} rounds)")


if __name__ == "__main__":
    main()
