"""The receiving end of `layerscope serve`'s events in tests/e2e/serve.sh: every POSTed body
is appended, one line each, to the file named on the command line. It is not under test."""
import http.server
import json
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(self.server.events_path, "a") as f:
            f.write(json.dumps(json.loads(body), separators=(",", ":")) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.events_path = sys.argv[2]
server.serve_forever()
