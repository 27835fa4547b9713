# A fake Docker daemon on a unix socket: answers /_ping and saves the body of POST /build
# (the build context tar the docker CLI sends) to OUT, then fails the build politely.
import os, socket, sys, socketserver
from http.server import BaseHTTPRequestHandler

sock_path, out_path = sys.argv[1], sys.argv[2]

class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *a): pass
    def _hdrs(self, code, body=b'', ctype='text/plain'):
        self.send_response(code)
        self.send_header('API-Version', '1.41')
        self.send_header('Builder-Version', '1')
        self.send_header('OSType', 'linux')
        self.send_header('Docker-Experimental', 'false')
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)
    def do_HEAD(self): self._hdrs(200)
    def do_GET(self):
        if self.path.endswith('/_ping'):
            self._hdrs(200, b'OK')
        else:
            self._hdrs(200, b'{}', 'application/json')
    def do_POST(self):
        data = b''
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            while True:
                line = self.rfile.readline().strip()
                n = int(line.split(b';')[0], 16)
                if n == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(n)
                self.rfile.readline()
        else:
            data = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        if '/build' in self.path:
            with open(out_path, 'wb') as f:
                f.write(data)
        body = b'{"stream":"captured\\n"}\r\n'
        self._hdrs(200, body, 'application/json')

class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

if os.path.exists(sock_path):
    os.unlink(sock_path)
srv = S(sock_path, H)
srv.serve_forever()
