"""The witness's HTTP interface (c2sp.org/tlog-witness) on the standard library's ThreadingHTTPServer.

    POST /add-checkpoint                 cosign a checkpoint (answers as Witness.add_checkpoint)
    GET  /<sha256(origin) hex>/checkpoint  the latest cosigned checkpoint of that log, or 404
    GET  /                               the witness's name and vkey

The submission and monitoring prefixes are both the server's root. http.server is not hardened
for the open Internet: bind 127.0.0.1 (the default) and put a reverse proxy (TLS, rate limits) in
front of a public witness. Within that, every request is bounded: body size (413), a socket
timeout per connection (slow clients are cut off), and a cap on concurrent connections (503).
"""

from __future__ import annotations

import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..i18n import _
from .protocol import MAX_BODY_BYTES, NOTE_CONTENT_TYPE
from .state import Answer, Witness

_ORIGIN_PATH = re.compile(r"^/([0-9a-f]{64})/checkpoint$")
DEFAULT_TIMEOUT = 10.0
MAX_CONNECTIONS = 128


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the spec recommends
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK (~40 ms per request on Linux). TCP_NODELAY sends both at once.
    disable_nagle_algorithm = True
    server: WitnessServer
    server_version = "asfverify-witness"
    sys_version = ""

    def _send(self, answer: Answer, close: bool = False) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def _plain(self, status: int, message: str, close: bool = False) -> None:
        self._send(Answer(status, (message + "\n").encode()), close)

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path != "/add-checkpoint":
            self._plain(404, "not found", close=True)  # not for translation: HTTP body
            return
        if self.headers.get("Transfer-Encoding"):
            self._plain(411, "send the body with a Content-Length", close=True)  # not for translation: HTTP body
            return
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isascii() or not length_text.isdigit():
            self._plain(411, "Content-Length required", close=True)  # not for translation: HTTP body
            return
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            # Do not read it: answer and drop the connection.
            self._plain(413, f"request body larger than {MAX_BODY_BYTES} bytes", close=True)  # not for translation: HTTP body
            return
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True
            return
        try:
            answer = self.server.witness.add_checkpoint(body)
        except Exception as exc:  # never a traceback to the client; one line to the operator
            self.server.note(_("internal error: {kind}: {error}", kind=type(exc).__name__, error=exc))
            self._plain(500, "internal error", close=True)  # not for translation: HTTP body
            return
        self._send(answer)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/":
            cosigner = self.server.witness.cosigner
            self._plain(200, f"asfverify witness {cosigner.name}\n{cosigner.vkey}")  # not for translation: HTTP body
            return
        match = _ORIGIN_PATH.match(self.path)
        stored = self.server.witness.latest_by_origin_hash(match.group(1)) if match else None
        if stored is None:
            self._plain(404, "not found")  # not for translation: HTTP body
            return
        self._send(Answer(200, stored.note.encode("utf-8"), NOTE_CONTENT_TYPE))

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature of the base class)
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class WitnessServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer bound to one witness folder."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256  # listen backlog: a burst of clients waits instead of being reset

    def __init__(self, witness: Witness, host: str = "127.0.0.1", port: int = 8123, *,
                 request_timeout: float = DEFAULT_TIMEOUT, max_connections: int = MAX_CONNECTIONS,
                 verbose: bool = False):
        self.witness = witness
        self.request_timeout = request_timeout
        self.verbose = verbose
        self._slots = threading.BoundedSemaphore(max_connections)
        # StreamRequestHandler applies the class attribute `timeout` to each connection's socket.
        handler = type("_TimedHandler", (_Handler,), {"timeout": request_timeout})
        super().__init__((host, port), handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}"

    def note(self, message: str) -> None:
        sys.stderr.write(message + "\n")

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
