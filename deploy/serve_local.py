#!/usr/bin/env python3
"""Serve a built site on 127.0.0.1 with the production ``deploy/nginx.conf``.

The real server blocks are used as they are; only the lines that name this machine are replaced
(ports, the site folder, the certificate: a throw-away self-signed one). The tests, the load run
in ``bench/`` and maintainers trying a change to the config all go through here::

    python deploy/serve_local.py output/        # then open the printed https:// address

Needs Debian's ``nginx`` and ``openssl``. nginx runs in the foreground and is stopped by its pid.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "nginx.conf"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"deploy/nginx.conf no longer contains {old!r}: update serve_local.py")
    return text.replace(old, new)


def server_blocks(root: Path, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx.conf with this machine's ports, folder and certificate."""
    text = CONFIG.read_text(encoding="utf-8")
    ipv6 = has_ipv6_loopback()
    for port, real in ((http_port, "80"), (https_port, "443")):
        suffix = " ssl http2;" if real == "443" else ";"
        text = _replace(text, f"listen {real}{suffix}", f"listen 127.0.0.1:{port}{suffix}")
        text = _replace(
            text,
            f"listen [::]:{real}{suffix}",
            f"listen [::1]:{port}{suffix}" if ipv6 else "# (no IPv6 loopback here)",
        )
    text = _replace(text, "root /srv/bantin/current;", f"root {root};")
    text = _replace(text, "/etc/ssl/bantin/fullchain.pem", str(cert))
    text = _replace(text, "/etc/ssl/bantin/privkey.pem", str(key))
    return _replace(text, "root /var/www/letsencrypt;", f"root {root.parent};")


def nginx_conf(prefix: Path, blocks: str) -> str:
    """A whole nginx.conf around the server blocks, everything under ``prefix``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # temp folders are private to root
    return (
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
        "events { worker_connections 1024; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log off;\n  sendfile on;\n  client_body_temp_path {prefix}/body;\n"
        f"  proxy_temp_path {prefix}/proxy;\n  fastcgi_temp_path {prefix}/fastcgi;\n"
        f"  uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n"
        f"{blocks}\n}}\n"
    )


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
    return cert, key


@dataclass(frozen=True)
class LocalServer:
    http: str
    https: str
    prefix: Path
    pid: int


def write_config(root: Path, prefix: Path, http_port: int, https_port: int) -> Path:
    prefix.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(prefix)
    conf = prefix / "nginx.conf"
    blocks = server_blocks(Path(root).resolve(), http_port, https_port, cert, key)
    conf.write_text(nginx_conf(prefix, blocks), encoding="utf-8")
    return conf


def test_config(conf: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on a written config."""
    return subprocess.run(
        ["nginx", "-t", "-p", str(conf.parent), "-c", str(conf)], capture_output=True, text=True
    )


@contextlib.contextmanager
def serve(root: Path, prefix: Path, https_port: int | None = None):
    """Run nginx on ``root`` until the block ends; yields a :class:`LocalServer`."""
    http_port, https_port = free_port(), https_port or free_port()
    conf = write_config(root, prefix, http_port, https_port)
    checked = test_config(conf)
    if checked.returncode != 0:
        raise RuntimeError(checked.stderr)
    process = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", https_port)):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.02)
        yield LocalServer(
            f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}", prefix, process.pid
        )
    finally:
        process.terminate()  # only the master we started, by its pid; it stops its worker
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the built site (output/)")
    parser.add_argument("--port", type=int, default=8443, help="HTTPS port")
    parser.add_argument("--prefix", type=Path, default=Path("cache/nginx"))
    args = parser.parse_args()
    with serve(args.root, args.prefix.resolve(), args.port) as server:
        print(f"nginx (pid {server.pid}) phục vụ {args.root} tại {server.https}/ — Ctrl+C để dừng")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
