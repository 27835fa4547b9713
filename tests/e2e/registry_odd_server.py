#!/usr/bin/env python3
"""Answers a real registry does not give on demand, for tests/e2e/registry.sh:

  registry_odd_server.py PORT

/v2/ → 200. /v2/REPO/manifests/REF, by REPO:
  schema1     a Docker schema 1 manifest (Content-Type …manifest.v1+prettyjws)
  schema1json a schema 1 manifest served as application/json
  big         a manifest larger than layerscope's 16 MiB limit
  negotiate   401 with WWW-Authenticate: Negotiate
  nochallenge 401 without WWW-Authenticate
  broken      500 with the registry error body {"errors":[{"code","message"}]}
  endless     a valid manifest whose one layer blob never ends (/v2/endless/blobs/…)
"""
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAYER_MT = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]}}).encode()


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


ENDLESS_LAYER = "sha256:" + "1" * 64
ENDLESS = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": digest(CONFIG), "size": len(CONFIG)},
                      "layers": [{"mediaType": LAYER_MT, "digest": ENDLESS_LAYER, "size": 1000}]}).encode()
SCHEMA1 = json.dumps({"schemaVersion": 1, "name": "x", "tag": "1", "fsLayers": []}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = self.path.split("/")
        if self.path == "/v2/":
            return self.send(200, b"{}")
        repo = parts[2] if len(parts) > 2 else ""
        if repo == "schema1":
            return self.send(200, SCHEMA1, "application/vnd.docker.distribution.manifest.v1+prettyjws")
        if repo == "schema1json":
            return self.send(200, SCHEMA1)
        if repo == "big":
            return self.send(200, b" " * (17 << 20))
        if repo == "negotiate":
            return self.send(401, b"{}", headers=[("WWW-Authenticate", "Negotiate")])
        if repo == "nochallenge":
            return self.send(401, b"{}")
        if repo == "broken":
            return self.send(500, json.dumps({"errors": [{"code": "UNKNOWN", "message": "boom"}]}).encode())
        if repo == "endless" and parts[3] == "manifests":
            return self.send(200, ENDLESS, "application/vnd.oci.image.manifest.v1+json")
        if repo == "endless" and parts[4] == digest(CONFIG):
            return self.send(200, CONFIG)
        if repo == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()  # no length: the body ends when the connection does
            try:
                while True:
                    self.wfile.write(b"\0" * 65536)
            except OSError:
                return
        self.send(404, json.dumps({"errors": [{"code": "MANIFEST_UNKNOWN", "message": "?"}]}).encode())


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
