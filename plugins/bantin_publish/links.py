"""Link checker over a built site: every internal link and asset must resolve to a file.

It reads the files directly (no HTTP): a 2,000-article site takes a few seconds,
where ``linkchecker`` fetches every URL through a server and, as root, drops to user ``nobody``.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bantin_core.problems import Problem

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "canonical"}
_EXAMPLES = 3


# The output comes from our own templates, so tags are well formed: a regular expression over
# tags is exact enough here and several times faster than html.parser on thousands of pages.
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT_BODY = re.compile(r"(<script\b[^>]*>).*?</script>", re.S | re.I)
_TAG = re.compile(
    r"<(a|link|script|img|source|iframe|video|audio|track|embed|object)\b([^>]*)>", re.I
)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_URL_ATTRIBUTES = {"href", "src", "poster", "data"}


def references(path: Path) -> list[str]:
    """Every URL a page or stylesheet refers to."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return _CSS_URL.findall(text)
    text = _SCRIPT_BODY.sub(r"\1", _COMMENT.sub("", text))
    urls = []
    for tag, attribute_text in _TAG.findall(text):
        attributes = {
            name.lower(): html.unescape(a or b or c)
            for name, a, b, c in _ATTRIBUTE.findall(attribute_text)
        }
        if tag.lower() == "link" and not _LINK_RELS & set(attributes.get("rel", "").split()):
            continue
        urls.extend(v for k, v in attributes.items() if k in _URL_ATTRIBUTES and v)
        for candidate in attributes.get("srcset", "").split(","):
            if candidate.strip():
                urls.append(candidate.split()[0])
    return urls


def resolve(url: str, page: str, site_url: str = "") -> str | None:
    """The output-relative file path an internal ``url`` on ``page`` points at (None: external)."""
    url = url.strip()
    if site_url and (url == site_url or url.startswith(site_url.rstrip("/") + "/")):
        url = url[len(site_url.rstrip("/")) :] or "/"
    if not url or url.startswith(("#", "//")) or _SCHEME.match(url):
        return None
    path = unquote(urlsplit(url).path)
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join("/" + posixpath.dirname(page), path))
    if path.endswith("/"):
        joined += "/index.html"
    return joined.lstrip("/")


def check_output(output: Path, site_url: str = "", label: str | None = None) -> list[Problem]:
    """One problem per broken target, naming the pages that link to it."""
    output = Path(output)
    files = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    broken: dict[tuple[str, str], list[str]] = defaultdict(list)
    for page in sorted(f for f in files if f.endswith((".html", ".css"))):
        for url in references(output / page):
            target = resolve(url, page, site_url)
            if target is None or target in files or f"{target}/index.html" in files:
                continue
            pages = broken[(target, url)]
            if page not in pages:
                pages.append(page)
    label = label or output.name
    problems = []
    for (_target, url), pages in sorted(broken.items()):
        examples = ", ".join(pages[:_EXAMPLES]) + (" …" if len(pages) > _EXAMPLES else "")
        problems.append(
            Problem(
                f"{label}/{pages[0]}",
                None,
                "",
                f"Liên kết hoặc tệp «{url}» không có trong bản dựng ({len(pages)} trang dẫn tới: "
                f"{examples})",
                hint="sửa liên kết trong bài, trong content/data/menu.yml hoặc trong giao diện",
            )
        )
    return problems
