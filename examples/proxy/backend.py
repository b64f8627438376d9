"""An application backend for Herald's backend proxy, in Python with the standard library only.

It answers the gateway's POSTs (docs/proxy.md) with decisions a chat app would make. It prints
the port it listens on, then serves until it is killed. Run: python3 backend.py [port] [secret]
(port 0, the default, takes a free one; the secret is checked in X-Herald-Secret). The
`announce` event publishes through Herald's server API at HERALD_API with HERALD_API_KEY.
"""

import json
import os
import sys
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = sys.argv[2] if len(sys.argv) > 2 else "backend-secret"
USERS = {"alice-token": "alice", "bob-token": "bob", "short-token": "shorty"}


def now_ms():
    return int(time.time() * 1000)


def connect(call):
    token = call.get("token")
    cookie = call["headers"].get("cookie", "")
    if token == "banned-token":
        return {"error": {"code": "WS_FORBIDDEN", "message": "this account is banned"}}
    if token == "suspended-token":
        return {"error": {"code": "APP_SUSPENDED", "message": "this account is suspended"}}
    user = USERS.get(token) or ("carol" if "session=carol" in cookie else None)
    if user is None:
        return {"error": {"code": "WS_AUTH_FAILED", "message": "who are you?"}}
    result = {
        "user": user,
        "roles": ["member"],
        "info": {"name": user.title()},
        "channels": ["news:" + call["params"].get("room", "lobby")],
    }
    if user == "shorty":
        result["expiresAt"] = now_ms() + 1500
    return {"result": result}


def refresh(call):
    if call["connection"].get("user") == "shorty" and call["connection"]["params"].get("room") == "keep":
        return {"result": {"expiresAt": now_ms() + 60_000}}
    return {"error": {"code": "WS_FORBIDDEN", "message": "no more time"}}


def subscribe(call):
    channel = call["channel"]
    if channel.startswith("secret:"):
        return {"error": {"code": "WS_FORBIDDEN", "message": "not for you"}}
    return {"result": {"info": {"name": call["connection"].get("user", "?"), "via": "python"}}}


def publish(call):
    payload = call.get("payload") or {}
    text = payload.get("text", "") if isinstance(payload, dict) else ""
    if "spam" in text:
        return {"error": {"code": "WS_FORBIDDEN", "message": "no spam here"}}
    if call["channel"].startswith("shout:"):
        return {"result": {"payload": {"text": text.upper(), "by": call["connection"].get("user")}}}
    return {"result": {}}


def publish_through_api(channel, event, payload):
    """Publishes with Herald's server API (docs/api.md): how a backend talks to its clients."""
    request = urllib.request.Request(
        os.environ["HERALD_API"] + "/publish",
        data=json.dumps({"channel": channel, "event": event, "payload": payload}).encode(),
        headers={
            "Authorization": "Bearer " + os.environ["HERALD_API_KEY"],
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


def rpc(call):
    event, payload = call["event"], call.get("payload")
    if event == "announce":
        room = call["connection"]["params"].get("room", "lobby")
        by = call["connection"].get("user")
        answer = publish_through_api("room:" + room, "announcement", {"text": payload["text"], "by": by})
        return {"result": {"payload": answer}}
    if event == "add":
        return {"result": {"payload": payload["a"] + payload["b"]}}
    if event == "whoami":
        return {"result": {"payload": {"user": call["connection"].get("user"), "headers": call["headers"]}}}
    if event == "fail":
        return {"error": {"code": "APP_FAILED", "message": "it failed on purpose"}}
    if event == "slow":
        time.sleep(3)
        return {"result": {"payload": "late"}}
    if event == "garbage":
        return "garbage"
    return {"error": {"code": "WS_NOT_FOUND", "message": "no such event: " + event}}


KINDS = {"connect": connect, "refresh": refresh, "subscribe": subscribe, "publish": publish, "rpc": rpc}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.headers.get("X-Herald-Secret") != SECRET:
            self.answer(401, b'{"error":{"code":"WS_FORBIDDEN","message":"bad secret"}}')
            return
        call = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        decision = KINDS[call["kind"]](call)
        if decision == "garbage":
            self.answer(200, b"<html>not json</html>")
            return
        self.answer(200, json.dumps(decision).encode())

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
