"""deploy/nginx.conf: `nginx -t`, then a real nginx serving a published build on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.client
import json
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SITES

sys.path.insert(0, str(ROOT / "deploy"))
import serve_local

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")),
    reason="nginx/openssl missing (`.ci/run` installs them)",
)


def test_config_passes_nginx_t(tmp_path):
    conf = serve_local.write_config(tmp_path / "site", tmp_path / "nginx", 18080, 18443)
    result = serve_local.test_config(conf)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A publish of the clean fixture site, served by nginx at the address it was built for."""
    folder = tmp_path_factory.mktemp("nginx")
    port = serve_local.free_port()
    site_url = f'"https://127.0.0.1:{port}"'
    result = subprocess.run(
        [sys.executable, "-m", "bantin_publish", "publish", "--content", SITES / "check-clean",
         "--output", folder / "output", "--settings", ROOT / "publishconf.py",
         f"--pelican-opts=-e SITEURL={site_url} FEED_DOMAIN={site_url}"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_local.serve(folder / "output", folder / "nginx", port) as running:
        yield running


def get(server, path, *, https=True, headers=None):
    port = (server.https if https else server.http).rsplit(":", 1)[1]
    if https:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", int(port), context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", int(port))
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": "max-age=31536000",
}


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.getheader(name) == value, name
    csp = response.getheader("Content-Security-Policy")
    assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "camera=()" in response.getheader("Permissions-Policy")
    assert response.getheader("Server") == "nginx", "no version number"


def stylesheet(server) -> str:
    _response, body = get(server, "/")
    page = body.decode()
    start = page.index("/theme/css/bantin.")
    return page[start : page.index('"', start)]


def test_pages_have_security_headers_and_short_cache(server):
    response, body = get(server, "/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Cache-Control") == "no-cache"
    assert_security_headers(response)
    assert "Bài bai-mot" in body.decode()


def test_fingerprinted_assets_are_cached_for_a_year_and_served_gzipped(server):
    path = stylesheet(server)
    response, plain = get(server, path)
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Type").startswith("text/css")
    assert_security_headers(response)
    response, packed = get(server, path, headers={"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert gzip.decompress(packed) == plain


def test_html_is_served_gzipped_too(server):
    response, packed = get(server, "/gioi-thieu/", headers={"Accept-Encoding": "gzip, br"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert "Trang giới thiệu" in gzip.decompress(packed).decode()


def test_missing_pages_get_the_site_404_page(server):
    response, body = get(server, "/khong-co-trang-nay/")
    assert response.status == 404
    assert "<html" in body.decode() and "/theme/css/bantin." in body.decode()
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/theme/", "/theme/css/", "/images/", "/.git/config"])
def test_no_directory_listing_or_dotfiles(server, path):
    response, body = get(server, path)
    assert response.status == 404
    assert b"Index of" not in body


def test_folder_without_slash_redirects_on_the_same_host(server):
    response, _body = get(server, "/gioi-thieu")
    assert response.status == 301
    assert response.getheader("Location") == "/gioi-thieu/"


def old_day(server):
    """A day with news of the served build: ``(year, month, day)`` and the built output."""
    output = Path(server.prefix).parent / "output"
    days = json.loads((output / "luu-tru/ngay-co-tin.json").read_text())
    return min(days).split("-"), output


@pytest.mark.parametrize("suffix", ["/", "", "/index.html"])
def test_old_day_address_redirects_to_the_day_on_its_month_page(server, suffix):
    (year, month, day), output = old_day(server)
    assert not (output / year / month / day).exists(), "the site has no day pages"
    response, _body = get(server, f"/{year}/{month}/{day}{suffix}")
    assert response.status == 301
    assert response.getheader("Location") == f"/{year}/{month}/#ngay-{day}"
    assert_security_headers(response)
    response, body = get(server, f"/{year}/{month}/")
    assert response.status == 200
    assert f'id="ngay-{day}"' in body.decode()


def test_a_folder_shaped_like_a_day_is_served_when_it_exists(server):
    """An article whose slug is a two-digit number keeps its own address."""
    (year, month, _day), output = old_day(server)
    folder = output / year / month / "31"
    folder.mkdir()
    try:
        (folder / "index.html").write_text("<p>Bài số 31</p>", encoding="utf-8")
        response, body = get(server, f"/{year}/{month}/31/")
        assert (response.status, body.decode()) == (200, "<p>Bài số 31</p>")
        response, _body = get(server, f"/{year}/{month}/31")
        assert (response.status, response.getheader("Location")) == (301, f"/{year}/{month}/31/")
    finally:
        shutil.rmtree(folder)


def test_malformed_day_addresses_are_not_redirected(server):
    for path in ("/2021/3/19/", "/2021/03/19/x/", "/20210/03/19/"):
        response, _body = get(server, path)
        assert response.status == 404, path


@pytest.mark.browser
def test_browser_follows_an_old_day_address_to_the_day(server, browser):
    (year, month, day), _output = old_day(server)
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    try:
        page.goto(f"{server.https}/{year}/{month}/{day}/", wait_until="load")
        assert page.url == f"{server.https}/{year}/{month}/#ngay-{day}"
        assert page.evaluate("document.querySelector(':target').id") == f"ngay-{day}"
    finally:
        context.close()


def test_plain_http_redirects_to_https_on_the_configured_name(server):
    """The redirect names the server_name of deploy/nginx.conf, whatever Host was sent."""
    for host in (None, "evil.example", "127.0.0.1"):
        headers = {"Host": host} if host else {}
        response, _body = get(server, "/gioi-thieu/?a=1", https=False, headers=headers)
        assert response.status == 301
        location = response.getheader("Location")
        assert location == "https://thads-haugiang.example.org/gioi-thieu/?a=1", host
        assert "max-age" not in (response.getheader("Cache-Control") or "")


def header_counts(response) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, _value in response.getheaders():
        counts[name.lower()] = counts.get(name.lower(), 0) + 1
    return counts


def etag(server, path):
    response, _body = get(server, path)
    return response.getheader("ETag")


@pytest.mark.parametrize(
    ("status", "path", "headers"),
    [
        (200, "/", {}),
        (206, "/robots.txt", {"Range": "bytes=0-1"}),
        (304, "/robots.txt", {"If-None-Match": "ETAG"}),
        (301, "/gioi-thieu", {}),
        (400, "/%", {}),
        (404, "/khong-co/", {}),
        (416, "/robots.txt", {"Range": "bytes=900000-"}),
    ],
)
def test_security_headers_are_sent_once_and_errors_are_not_cached(server, status, path, headers):
    if headers.get("If-None-Match") == "ETAG":
        headers = {"If-None-Match": etag(server, path)}
    response, _body = get(server, path, headers=headers)
    assert response.status == status
    counts = header_counts(response)
    for name in (*SECURITY_HEADERS, "Content-Security-Policy", "Permissions-Policy",
                 "Cache-Control"):  # fmt: skip
        assert counts.get(name.lower()) == 1, (name, counts)
    assert_security_headers(response)
    if status not in (200, 206, 304):
        assert response.getheader("Cache-Control") == "no-cache"


def test_many_ranges_get_the_whole_file(server):
    """max_ranges 1: a request for several ranges is answered with the file, once."""
    _response, whole = get(server, "/robots.txt")
    response, body = get(server, "/robots.txt", headers={"Range": "bytes=0-1,3-4,6-7"})
    assert (response.status, body) == (200, whole)
    response, body = get(server, "/robots.txt", headers={"Range": "bytes=0-1"})
    assert (response.status, body) == (206, whole[:2])


BINARY = "application/octet-stream"
UPLOADS = {
    # name: (content, Content-Type, served as a download)
    "trang.html": (b"<script src='/documents/2024/ma.js'></script>", BINARY, True),
    "ma.js": (b"window.__ran = true;", BINARY, True),
    "hinh.svg": (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
                 BINARY, True),
    "quyet-dinh.pdf": (b"%PDF-1.4\n%%EOF\n", "application/pdf", False),
    "Bao-Cao.PDF": (b"%PDF-1.4\n%%EOF\n", "application/pdf", False),
    "bieu-mau.docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument"
                      ".wordprocessingml.document", True),
    "so-lieu.xlsx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument"
                     ".spreadsheetml.sheet", True),
}  # fmt: skip


@pytest.fixture
def uploads(server):
    """Files as staff could upload them, put in the served build's documents/2024/."""
    folder = Path(server.prefix).parent / "output" / "documents" / "2024"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (content, _type, _download) in UPLOADS.items():
        (folder / name).write_bytes(content)
    (folder.parent.parent / "thu-tai-len").mkdir(exist_ok=True)
    (folder.parent.parent / "thu-tai-len" / "index.html").write_text(
        '<!doctype html><title>t</title><script src="/documents/2024/ma.js"></script>'
        '<img src="/documents/2024/hinh.svg" alt="">',
        encoding="utf-8",
    )
    yield folder
    shutil.rmtree(folder)
    shutil.rmtree(folder.parent.parent / "thu-tai-len")


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_uploaded_documents_are_downloads_in_a_sandbox(server, uploads, name):
    content, content_type, download = UPLOADS[name]
    response, body = get(server, f"/documents/2024/{name}")
    assert (response.status, body) == (200, content)
    assert response.getheader("Content-Type").split(";")[0] == content_type
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    csp = response.getheader("Content-Security-Policy")
    if download:
        assert response.getheader("Content-Disposition") == "attachment"
        assert csp == "sandbox; default-src 'none'"
    else:  # PDFs open in the browser's viewer, under the site's policy
        assert response.getheader("Content-Disposition") is None
        assert "object-src 'none'" in csp and "sandbox" not in csp
    assert response.getheader("Cache-Control") == "public, max-age=86400"
    counts = header_counts(response)
    assert counts["content-security-policy"] == counts["x-content-type-options"] == 1


def test_a_missing_document_gets_the_site_404_page(server, uploads):
    response, body = get(server, "/documents/2024/khong-co.pdf")
    assert response.status == 404 and "/theme/css/bantin." in body.decode()
    assert response.getheader("Content-Disposition") is None
    assert_security_headers(response)


@pytest.mark.browser
def test_browser_runs_no_uploaded_script_and_downloads_uploaded_pages(server, uploads, browser):
    context = browser.new_context(ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    try:
        # A page that loads an uploaded script (what an uploaded HTML file would do): blocked,
        # since the script is served as application/octet-stream with nosniff.
        page.goto(f"{server.https}/thu-tai-len/", wait_until="load")
        assert page.evaluate("window.__ran === undefined")
        # The uploaded HTML page itself is a download, never a page of the site.
        with page.expect_download() as download:
            page.evaluate("url => { location.href = url; }", "/documents/2024/trang.html")
        assert download.value.suggested_filename == "trang.html"
    finally:
        context.close()


CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.mark.browser
def test_pages_load_in_chromium_without_csp_violations(server, browser):
    output = Path(server.prefix).parent / "output"
    pages = sorted(
        "/" + p.relative_to(output).as_posix().removesuffix("index.html")
        for p in output.rglob("*.html")
    )
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    violations = {}
    for path in pages:
        page.goto(server.https + path, wait_until="load")
        assert page.evaluate("document.styleSheets.length") >= 1, path
        found = page.evaluate("window.__csp")
        if found:
            violations[path] = found
    # Search: Pagefind's JavaScript, worker and WebAssembly under the same policy.
    page.goto(server.https + "/tim-kiem/", wait_until="load")
    count = page.evaluate(
        """async () => {
             const pagefind = await import('/pagefind/pagefind.js');
             const search = await pagefind.search('bài');
             return search.results.length;
           }"""
    )
    if page.evaluate("window.__csp.length"):
        violations["/tim-kiem/ (search)"] = page.evaluate("window.__csp")
    console_csp = [m for m in console if "Content Security Policy" in m]
    # The listener works: an inline script is blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.append(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    context.close()
    assert violations == {}
    assert console_csp == []
    assert count >= 1
