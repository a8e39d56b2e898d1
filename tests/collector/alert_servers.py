"""Loopback servers that alert tests send to: an HTTP endpoint and a tiny SMTP server."""

from __future__ import annotations

import base64
import json
import socket
import socketserver
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET_PATH = "/services/T000/B000/s3cr3t-t0ken"
"""A webhook path shaped like Slack's: the part that must never be shown or logged."""


class HookServer:
    """Records every POST on 127.0.0.1 (path, headers, JSON body); answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.posts: list[tuple[str, dict[str, str], Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                owner.posts.append((self.path, dict(self.headers.items()), body))
                self.send_response(owner.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str = SECRET_PATH) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def bodies(self) -> list[Any]:
        return [body for _, _, body in self.posts]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: bytes


class SmtpServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP on 127.0.0.1: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT.

    No STARTTLS is offered, so a client that insists on it must fail.
    """

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.logins: list[tuple[str, str]] = []
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpServer

    def _say(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 127.0.0.1 test SMTP")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._say("250-127.0.0.1\r\n250-AUTH PLAIN\r\n250 8BITMIME")
            elif verb == "AUTH":
                _, user, password = base64.b64decode(command.split()[2]).decode().split("\0")
                self.server.logins.append((user, password))
                self._say("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                sender = command.split(":", 1)[1].split()[0].strip("<>")
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.mails.append(Mail(sender, recipients, data))
                sender, recipients = "", []
                self._say("250 OK queued")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")


class ScriptedServer:
    """A raw TCP server on 127.0.0.1 that misbehaves as told: ``script(conn, stop)`` runs on a
    thread for each connection, and should return once ``stop`` is set (by :meth:`close`,
    which also shuts every accepted connection down)."""

    def __init__(self, script: Any) -> None:
        self._script = script
        self.stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str = SECRET_PATH) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            self._script(conn, self.stop)
        except OSError:  # the client hung up: what these servers wait for
            pass

    def close(self) -> None:
        self.stop.set()
        self._thread.join(2)
        self._listener.close()
        for conn in self._connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()


def read_request(conn: socket.socket) -> bytes:
    """Read an HTTP request's head (and whatever body came with it)."""
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            break
        data += piece
    return data


def trickle(conn: socket.socket, stop: threading.Event, data: bytes, every_s: float) -> None:
    """Send ``data`` one byte every ``every_s`` seconds, until it or the test ends."""
    for byte in data:
        if stop.wait(every_s):
            return
        conn.sendall(bytes([byte]))
    stop.wait()
