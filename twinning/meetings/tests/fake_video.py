"""A BigBlueButton server stand-in on 127.0.0.1, for testing real HTTP: it checks each call's checksum
as the real server does and answers in its XML, or fails as asked (HTTP 500, too slow, FAILED)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SECRET = "8cd8ef52e8e101574e400365b55e11a6"


class FakeBigBlueButton:
    """``mode``: "ok", "failed" (FAILED returncode), "error" (HTTP 500), "slow" (answers after ``delay``)."""

    def __init__(self, *, secret: str = SECRET, algorithm: str = "sha1") -> None:
        self.secret, self.algorithm = secret, algorithm
        self.mode = "ok"
        self.delay = 2.0
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.rooms: dict[str, dict[str, str]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                fake.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bigbluebutton/"

    def __enter__(self) -> FakeBigBlueButton:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, handler, status: int, body: str) -> None:
        data = body.encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "text/xml; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the "slow" mode): what the test wants

    def handle(self, handler) -> None:
        parts = urlsplit(handler.path)
        call = parts.path.rsplit("/", 1)[-1]
        query, _, given = parts.query.rpartition("&checksum=")
        params = dict(parse_qsl(query, keep_blank_values=True))
        self.calls.append((call, params))
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "error":
            return self._answer(handler, 500, "<html>Internal Server Error</html>")
        expected = hashlib.new(self.algorithm, f"{call}{query}{self.secret}".encode()).hexdigest()
        if given != expected:
            return self._answer(handler, 200, _response("FAILED", "checksumError", "Checksums do not match"))
        if self.mode == "failed":
            return self._answer(handler, 200, _response("FAILED", "tooManySessions", "Too many rooms on this server"))
        meeting = params.get("meetingID", "")
        if call == "create":
            duplicate = meeting in self.rooms
            self.rooms.setdefault(meeting, params)
            return self._answer(
                handler, 200, _response("SUCCESS", "duplicateWarning" if duplicate else "", "", meetingID=meeting)
            )
        if meeting not in self.rooms:
            return self._answer(handler, 200, _response("FAILED", "notFound", "No such meeting"))
        if call == "isMeetingRunning":
            return self._answer(handler, 200, _response("SUCCESS", "", "", running="false"))
        if call == "getMeetingInfo":
            room = self.rooms[meeting]
            return self._answer(
                handler, 200, _response("SUCCESS", "", "", meetingID=meeting, recording=room.get("record", "false"))
            )
        if call == "end":
            del self.rooms[meeting]
            return self._answer(handler, 200, _response("SUCCESS", "sentEndMeetingRequest", ""))
        return self._answer(handler, 200, _response("FAILED", "unsupportedRequest", call))


def _response(code: str, key: str, message: str, **fields: str) -> str:
    extra = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    return (
        f"<response><returncode>{code}</returncode>{extra}<messageKey>{key}</messageKey>"
        f"<message>{message}</message></response>"
    )


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
