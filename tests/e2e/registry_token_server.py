#!/usr/bin/env python3
"""A minimal token service for docker-registry's `auth: token:` (the Docker Registry v2
token protocol), for tests/e2e/registry.sh. Not the part under test: it only lets the
registry run the real Bearer flow against layerscope.

  registry_token_server.py PORT KEY.pem CERT.pem ISSUER USER:PASS

GET /token?service=S&scope=repository:NAME:ACTIONS → {"token": JWT, "access_token": JWT}.
Repositories under public/ may be pulled anonymously; anything else needs Basic USER:PASS,
which grants the actions asked for. Wrong credentials get 401. Tokens are RS256 JWTs whose
x5c header carries CERT (the registry trusts it through `rootcertbundle`)."""
import base64
import json
import secrets
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

PORT, KEY, CERT, ISSUER, CREDS = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
with open(KEY, "rb") as f:
    KEY_PEM = f.read()
with open(CERT, "rb") as f:
    CERT_DER = x509.load_pem_x509_certificate(f.read()).public_bytes(Encoding.DER)
X5C = [base64.b64encode(CERT_DER).decode()]
REQUESTS = []  # what each request carried, for the test to inspect at /log


def grant(scope, authed):
    """The access entries for one scope string: repository:NAME:ACTION[,ACTION]."""
    parts = scope.split(":")
    if len(parts) < 3 or parts[0] != "repository":
        return []
    name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
    if not authed:
        actions = [a for a in actions if a == "pull" and name.startswith("public/")]
    return [{"type": "repository", "name": name, "actions": actions}] if actions else []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, doc):
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/log":
            return self.reply(200, REQUESTS)
        if url.path != "/token":
            return self.reply(404, {"error": "not found"})
        q = parse_qs(url.query)
        auth = self.headers.get("Authorization", "")
        authed = False
        if auth.startswith("Basic "):
            if base64.b64decode(auth[6:]).decode() != CREDS:
                return self.reply(401, {"error": "bad credentials"})
            authed = True
        REQUESTS.append({"service": q.get("service", [""])[0], "scope": q.get("scope", []),
                         "basic": authed})
        access = [a for s in q.get("scope", []) for a in grant(s, authed)]
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": CREDS.split(":")[0] if authed else "",
                  "aud": q.get("service", [""])[0], "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": secrets.token_hex(8), "access": access}
        token = jwt.encode(claims, KEY_PEM, algorithm="RS256", headers={"x5c": X5C})
        # Alternate the field name: layerscope must read either.
        field = "token" if len(REQUESTS) % 2 else "access_token"
        self.reply(200, {field: token, "expires_in": 300})


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
