"""The raw-HTML sanitizer and escaping of front-matter: nothing executable reaches the output."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import SITES, build_site, serve_directory

from bantin_core.sanitize import DEFAULT_VIDEO_HOSTS, clean_html

YOUTUBE = "https://www.youtube-nocookie.com/embed/abc"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ('<img src="a.jpg" alt="Ảnh" onerror="alert(1)">', '<img src="a.jpg" alt="Ảnh">'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,&lt;script&gt;">x</a>', "<a>x</a>"),
        ('<p style="color:red" class="MsoNormal"><font face="Arial">chữ</font></p>', "<p>chữ</p>"),
        ('<iframe src="https://evil.example/"></iframe>ok', "ok"),
        ('<iframe src="http://www.youtube.com/embed/x"></iframe>ok', "ok"),
        (f'<iframe src="{YOUTUBE}" onload="x()"></iframe>', f'<iframe src="{YOUTUBE}"></iframe>'),
        ('<svg onload="alert(1)"><script>alert(2)</script></svg>', ""),
        ("<style>body{display:none}</style>ok", "ok"),
        ('<form action="x"><input name="a"></form>', ""),
        ('<meta http-equiv="refresh" content="0;url=x"><base href="https://evil.example/">', ""),
        ("<!-- ghi chú -->chữ", "chữ"),
        # kept: tables, lists, links, Pelican's link placeholders, footnote classes
        (
            '<table><tr><th scope="col" colspan="2">A</th></tr></table>',
            '<table><tbody><tr><th scope="col" colspan="2">A</th></tr></tbody></table>',
        ),
        ('<ol start="3"><li>một</li></ol><ul><li>hai</li></ul>', None),
        ('<a href="{filename}/pages/gioi-thieu.md#lien-he">x</a>', None),
        ('<img src="{static}/images/a.jpg" alt="a">', None),
        ('<a href="https://moj.gov.vn/" title="Bộ">x</a>', None),
        ('<a href="mailto:cuc@example.org">x</a> <a href="tel:+842933870000">y</a>', None),
        ('<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>', None),
    ],
)
def test_clean_html(dirty, clean):
    assert clean_html(dirty) == (dirty if clean is None else clean)


def test_iframes_only_from_configured_hosts():
    embed = '<iframe src="https://player.example.vn/v/1"></iframe>'
    assert clean_html(embed) == ""
    assert clean_html(embed, ("player.example.vn",)) == embed
    assert clean_html(f'<iframe src="{YOUTUBE}"></iframe>', ()) == ""


def test_video_hosts_are_allowed_by_the_nginx_policy():
    """An embed the sanitizer keeps must not be blocked by the CSP's frame-src."""
    conf = (Path(__file__).parent.parent / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    frame_src = conf.split("; frame-src", 1)[1].split(";", 1)[0]
    for host in DEFAULT_VIDEO_HOSTS:
        assert f"https://{host}" in frame_src.split()


class _Executable(HTMLParser):
    """Collects everything in a page that a browser could run."""

    URL_ATTRIBUTES = frozenset(
        {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"}
    )

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            # The theme's own files and JSON-LD data are expected; anything else is not.
            own = (attributes.get("src") or "").startswith(("/theme/", "/pagefind/"))
            if not own and attributes.get("type") != "application/ld+json":
                self.found.append(f"<script {attrs}>")
            self._in_script = not attributes.get("src")
        if tag in {"object", "embed", "base", "frame", "frameset", "applet"}:
            self.found.append(f"<{tag}>")
        if tag == "form" and not (attributes.get("action") or "").startswith("/"):
            self.found.append(f"<form {attrs}>")
        if tag == "iframe" and not attributes.get("src", "").startswith(YOUTUBE):
            self.found.append(f"<iframe {attrs}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in {"style", "srcdoc"}:
                self.found.append(f"<{tag} {name}>")
            if name in self.URL_ATTRIBUTES and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"<{tag} {name}={value[:30]}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        # JSON-LD must not be able to close its <script> element.
        if self._in_script and "<" in data:
            self.found.append("'<' inside JSON-LD")


def executable_parts(html: str) -> list[str]:
    parser = _Executable()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    output = tmp_path_factory.mktemp("hostile") / "output"
    result = build_site(SITES / "check-hostile", output)
    # The addresses that would run code are listed for staff (file, line, what was written);
    # the page is built all the same, without them.
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    listed = [line for line in result.stderr.splitlines() if line.startswith("- ")]
    assert len(listed) == 4, result.stderr[-3000:]
    for line in listed:
        assert "doc-hai.md:" in line and "Địa chỉ này chạy mã trên trình duyệt" in line, line
    return output


@pytest.mark.slow
def test_hostile_corpus_leaves_nothing_executable(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert pages
    for page in pages:
        assert executable_parts(page.read_text(encoding="utf-8")) == [], page
    article = (hostile_site / "2021/03/tin-doc-hai/index.html").read_text(encoding="utf-8")
    # Hostile front-matter is shown as text, escaped, not dropped.
    assert "Tin &lt;script&gt;alert(" in article
    assert "<img src=x" not in article and "<b onclick" not in article
    # What staff meant to keep survives.
    assert "Chữ giữ lại" in article and "<table>" in article and "<li>danh sách</li>" in article
    assert f'<iframe src="{YOUTUBE}" title="Video"></iframe>' in article
    # `ket_qua` unit names land in table headers as text.
    results = (hostile_site / "2021/10/ket-qua-doc-hai/index.html").read_text(encoding="utf-8")
    assert "Chi cục &lt;script&gt;alert(&#39;don-vi&#39;)&lt;/script&gt;" in results
    assert "&#34; onmouseover=&#34;alert(&#39;thuoc-tinh&#39;)&#34;" in results


@pytest.mark.slow
@pytest.mark.browser
def test_hostile_pages_run_no_script_in_chromium(hostile_site, browser):
    dialogs = []
    with serve_directory(hostile_site) as base:
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.route(
            "**/*",
            lambda route: (
                route.abort() if "127.0.0.1" not in route.request.url else route.continue_()
            ),
        )
        for path in ("2021/03/tin-doc-hai/", "2021/10/ket-qua-doc-hai/", "", "the/"):
            page.goto(f"{base}/{path}")
            # Fire the events pasted handlers would wait for, on every element.
            page.evaluate(
                """() => document.querySelectorAll('main *').forEach(e => {
                     for (const type of ['mouseover', 'click', 'focus', 'toggle', 'load'])
                       e.dispatchEvent(new Event(type, {bubbles: true}));
                   })"""
            )
        context.close()
    assert dialogs == []


def test_table_column_alignment_survives_as_a_class():
    html = markdown.Markdown(extensions=["markdown.extensions.extra"]).convert(
        "| Đơn vị | Số việc |\n|---|---:|\n| Vị Thanh | 2.073 |"
    )
    cleaned = clean_html(html)
    assert '<th class="bt-align-right">Số việc</th>' in cleaned
    assert '<td class="bt-align-right">2.073</td>' in cleaned
    assert "style" not in cleaned
