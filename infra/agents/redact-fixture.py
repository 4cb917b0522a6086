#!/usr/bin/env python3
"""Turns a captured agent request into a structural fixture: roles, block and tool types, field names and the shape of
every value stay; the vendor's prompt text, tool descriptions, ids and session identifiers are replaced by placeholders.

    infra/agents/redact-fixture.py captured.json > gateway-service/src/test/resources/agents/<agent>-<version>-<turn>.json

The input is {"path": ..., "headers": {...}, "body": {...}}: what the agent sent, as a recording server saw it (the
simulator's recorder, GET /_sim/requests, sees it unchanged behind a same-protocol channel). The output keeps the path,
the protocol headers (anthropic-beta, anthropic-version, x-app, originator, the user-agent's product token) and the
redacted body.
"""
import json
import re
import sys

KEEP_STRINGS = {"type", "role", "name", "model", "tool_choice", "effort", "display", "keep", "reasoning", "summary",
                "tool_use_id", "id", "call_id", "status"}
KEEP_HEADERS = {"anthropic-beta", "anthropic-version", "x-app", "originator", "accept"}


def redact(value, key=None):
    if isinstance(value, dict):
        return {k: redact(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, key) for v in value]
    if isinstance(value, str):
        if key in KEEP_STRINGS and len(value) <= 80:
            # ids keep their prefix only, so fixtures carry no session identifiers
            if key in ("id", "call_id", "tool_use_id"):
                return re.sub(r"[_-].*$", "", value) + "_fixture"
            return value
        if key == "command" or key == "cmd":
            return value
        return "<%d chars>" % len(value) if len(value) > 12 else "<text>"
    return value


def main():
    captured = json.load(open(sys.argv[1]))
    raw = {k: (v[0] if isinstance(v, list) else v) for k, v in captured.get("headers", {}).items()}
    headers = {k.lower(): v for k, v in raw.items() if k.lower() in KEEP_HEADERS}
    ua = raw.get("User-Agent") or raw.get("user-agent")
    if ua:
        headers["user-agent"] = ua.split(" ")[0]
    json.dump({"path": captured["path"], "headers": headers, "body": redact(captured["body"])}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
