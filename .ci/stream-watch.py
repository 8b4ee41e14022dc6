#!/usr/bin/env python3
"""Follows the dashboard's stream (GET /api/rollouts/stream) through a demo run, as one browser does, and checks
that no frame reaches 20 KB. It waits for the service and the first rollout, opens the stream of that rollout
with its worst subnet in detail, and reads until the rollout is over or the stream ends (the demo stopped).
Usage: stream-watch.py BASE_URL TOKEN_FILE"""
import json
import os
import sys
import time
import urllib.parse
import urllib.request

LIMIT = 20_000
base, token_file = sys.argv[1], sys.argv[2]


def request(path):
    headers = {"Accept": "text/event-stream"}
    if os.path.exists(token_file):
        headers["Authorization"] = "Bearer " + open(token_file).read().strip()
    return urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=60)


def frames(response):
    data = []
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("data:"):
            data.append(line[5:].lstrip(" ") if line[5:6] == " " else line[5:])
        elif not line and data:
            yield "\n".join(data)
            data = []


deadline = time.time() + 600
rollout = None
while rollout is None and time.time() < deadline:
    try:
        with request("/api/rollouts/stream") as response:
            for frame in frames(response):
                listed = json.loads(frame).get("rollouts") or []
                if listed:
                    rollout = listed[0]["rolloutId"]
                    break
    except OSError:
        time.sleep(1)
if rollout is None:
    sys.exit("stream-watch: no rollout appeared on the stream")

largest, total, count, state = 0, 0, 0, None
started = time.time()


def follow(query, until):
    """Reads the stream of `query`, counting every frame, until `until(frame)` says stop; returns that frame."""
    global largest, total, count, state
    with request("/api/rollouts/stream?" + urllib.parse.urlencode(query)) as response:
        for frame in frames(response):
            size = len(frame.encode("utf-8"))
            largest, total, count = max(largest, size), total + size, count + 1
            parsed = json.loads(frame)
            if parsed.get("summary"):
                state = parsed["summary"]["state"]
            if until(parsed):
                return parsed
    return None


try:
    first = follow({"rollout": rollout}, lambda frame: bool(frame.get("page") and frame["page"]["subnets"]))
    if first is not None:
        # Open it again with the worst subnet in detail, as a browser does on a click.
        follow({"rollout": rollout, "subnet": first["page"]["subnets"][0]},
               lambda frame: state in ("COMPLETED", "CANCELLED"))
except OSError:
    pass  # the demo stopped the service
seconds = max(time.time() - started, 1e-3)
print("stream-watch: rollout %s (%s): %d frames, %d bytes in %.0f s (%.0f B/s), largest frame %d bytes (limit %d)"
      % (rollout, state, count, total, seconds, total / seconds, largest, LIMIT))
sys.exit(0 if count > 0 and largest < LIMIT else 1)
