"""``make admin``'s server: the live preview's pages and the web editor's API on one address.

``python -m bantin_editor.server --settings pelicanconf.py --content content --output output
--host 127.0.0.1 --port 8000 [-e KEY=VALUE …]`` serves ``output/`` as Pelican's own preview
server does (``make admin`` runs ``pelican -r`` beside it to rebuild) and answers the editor at
``/api/<token>/v1`` with :class:`.backend.EditorBackend`. What it adds, against DNS rebinding
and other local programs:

- every request must name this server by a loopback ``Host`` (``127.0.0.1``, ``localhost``,
  ``[::1]``) with its port, and a request from a page (``Origin``) must come from that same
  address; anything else gets 403 with a Vietnamese message;
- the API needs the token made by this run (``secrets.token_urlsafe``), in the address;
  without it, or with another, 401/403. The editor gets it in ``/admin/config.yml``: this server
  writes it into ``local_backend.url`` as it serves the file (the copy on disk, written by
  :mod:`.admin`, has none), and only to a request that passed the checks above. API requests
  must be ``application/json`` POSTs, so no other site can make a browser send one unasked.
"""

from __future__ import annotations

import argparse
import hmac
import json
import secrets
import socket
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pelican.server import ComplexHTTPRequestHandler
from pelican.settings import read_settings

from bantin_publish.__main__ import split_pelican_options

from .backend import EditorBackend

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
MAX_REQUEST_BYTES = 64 * 1024 * 1024  # a few photos in one save
CONFIG_PATH = "/admin/config.yml"


class EditorRequestHandler(ComplexHTTPRequestHandler):
    """Pelican's preview handler with the checks of the module docstring and the API."""

    server: EditorServer

    @property
    def base_path(self) -> str:  # ComplexHTTPRequestHandler serves from here
        return str(self.server.output)

    # --- Checks ------------------------------------------------------------------------------
    def _host_allowed(self) -> bool:
        if len(self.headers.get_all("Host") or ()) != 1:
            return False
        host = self.headers["Host"]
        port = self.server.server_address[1]
        allowed = [f"{name}:{port}" for name in LOOPBACK_NAMES]
        return host in (allowed + list(LOOPBACK_NAMES) if port == 80 else allowed)

    def _origin_allowed(self) -> bool:
        origin = self.headers.get("Origin")
        return origin is None or origin == f"http://{self.headers['Host']}"

    def _refuse(self, status: int, message: str) -> None:
        self._send_json(status, {"error": message})

    def _send_json(self, status: int, payload) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _checked(self) -> bool:
        if not self._host_allowed():
            self._refuse(
                403,
                "Máy chủ soạn thảo chỉ trả lời địa chỉ trên máy này: mở "
                f"http://127.0.0.1:{self.server.server_address[1]}/admin/",
            )
            return False
        if not self._origin_allowed():
            self._refuse(403, "Không nhận yêu cầu từ trang web khác")
            return False
        return True

    def end_headers(self) -> None:
        # A preview of unpublished work: never cached, never framed by another site.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    # --- Methods -----------------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._checked():
            return
        if urlsplit(self.path).path == CONFIG_PATH:
            self._send_config()
            return
        # Pelican's own do_GET answers nothing at all for a missing page.
        found = self.get_path_that_exists(self.path.split("?", 1)[0])
        if not found:
            self.send_error(404, "Not Found", "Không tìm thấy trang này trong bản xem trước")
            return
        self.path = found
        SimpleHTTPRequestHandler.do_GET(self)

    def do_HEAD(self) -> None:
        if self._checked():
            super().do_HEAD()

    def do_POST(self) -> None:
        if not self._checked():
            return
        parts = urlsplit(self.path).path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "api" or parts[2] != "v1":
            if parts[:1] == ["api"]:
                self._refuse(
                    401,
                    "Thiếu mã phiên của trình soạn thảo: mở trình soạn thảo tại địa chỉ "
                    "«make admin» in ra rồi tải lại trang",
                )
            else:
                self._refuse(404, "Không có địa chỉ này")
            return
        if not hmac.compare_digest(parts[1].encode(), self.server.token.encode()):
            self._refuse(
                403,
                "Mã phiên của trình soạn thảo không đúng (mỗi lần chạy «make admin» có mã mới): "
                "tải lại trang trình soạn thảo",
            )
            return
        if self.headers.get_content_type() != "application/json":
            self._refuse(415, "Yêu cầu phải gửi dạng JSON")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._refuse(411, "Thiếu độ dài yêu cầu (Content-Length)")
            return
        if not 0 <= length <= MAX_REQUEST_BYTES:
            self.close_connection = True
            self._refuse(413, "Tệp gửi lên quá lớn (tối đa 64 MB một lần lưu)")
            return
        try:
            body = json.loads(self.rfile.read(length))
        except (UnicodeDecodeError, ValueError):
            self._refuse(400, "Yêu cầu không hợp lệ: không đọc được JSON")
            return
        status, payload = self.server.backend.handle(body)
        self._send_json(status, payload)

    def _unsupported(self) -> None:
        if self._checked():
            self._refuse(405, "Máy chủ soạn thảo không nhận kiểu yêu cầu này")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _unsupported

    def _send_config(self) -> None:
        """The editor's configuration with this run's API address, token included."""
        try:
            with open(self.server.output / "admin" / "config.yml", encoding="utf-8") as handle:
                config = yaml.safe_load(handle)
        except FileNotFoundError:
            self.send_error(404, "Not Found", "Trình soạn thảo chưa dựng xong: chờ rồi tải lại")
            return
        if isinstance(config, dict) and "local_backend" in config:
            host = self.headers["Host"]
            local = {"url": f"http://{host}/api/{self.server.token}/v1"}
            if host.startswith("["):
                local["allowed_hosts"] = [host.rsplit(":", 1)[0]]
            config["local_backend"] = local
        body = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/yaml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, msg_format, *args) -> None:
        # Request lines carry the token: never print them.
        pass


class EditorServer(ThreadingHTTPServer):
    """One run of ``make admin``: its output folder, backend and token."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, backend: EditorBackend, output: Path, token: str | None = None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.backend = backend
        self.output = Path(output).resolve()
        self.token = token or secrets.token_urlsafe(32)
        super().__init__(address, EditorRequestHandler)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bantin_editor.server", description=__doc__)
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--content", default="content")
    parser.add_argument("--output", default="output")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("-e", "--extra-settings", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    if args.host.strip("[]") not in ("127.0.0.1", "localhost", "::1"):
        print("Lỗi: máy chủ soạn thảo chỉ chạy trên máy này (HOST=127.0.0.1)", file=sys.stderr)
        return 2
    _, extra = split_pelican_options(["-e", *args.extra_settings])
    overrides = {**extra, "PATH": str(Path(args.content).resolve())}
    settings = read_settings(args.settings, override=overrides)
    try:
        server = EditorServer(
            (args.host.strip("[]"), args.port), EditorBackend(settings), Path(args.output)
        )
    except OSError as error:
        print(f"Lỗi: không mở được cổng {args.port} ({error.strerror})", file=sys.stderr)
        return 1
    print(f"Trình soạn thảo: http://{args.host}:{args.port}/admin/  (dừng: Ctrl+C)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
