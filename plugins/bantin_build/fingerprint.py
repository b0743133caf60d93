"""What a rendered page depends on, as two digests computed once per build.

A page written through a template is a function of:

- **the build** (:func:`build_digest`): settings, theme files, plugin code, library versions, and
  every content file that is not Markdown (photos, documents, data files) — any change there
  renders every page again;
- **the site** (:func:`site_digest`): the front-matter of every article and page (titles, dates,
  categories, tags, ``ket_qua``, photos, summaries — everything lists, neighbours, menus,
  archives and statistics show) and the build's content problems;
- **the page's own content**: the HTML body of the article or page it shows, if any.

List templates never show another article's body (only its front-matter: ``summary`` is a
front-matter field), so editing an article's body leaves every other page's inputs unchanged;
editing front-matter anywhere changes the site digest and renders every page. That is coarser
than it could be (a title edit re-renders pages that do not list that article) and never wrong,
which the property test in ``tests/test_incremental.py`` checks against clean builds.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
from pathlib import Path

from bantin_core import state

#: Libraries whose version changes what a template renders.
LIBRARIES = ("pelican", "jinja2", "markupsafe", "babel", "markdown", "nh3", "pillow")
#: Content files smaller than this are hashed; larger ones (photos) by size and mtime.
SMALL_FILE = 256 * 1024
#: Settings that say where things go, not what a page contains; the build's own state.
IGNORED_SETTINGS = frozenset({"BANTIN_PROBLEMS_FILE", "BANTIN_IMAGES_CACHE_PATH", state.KEY})
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def canonical(value) -> str:
    """A stable text for settings values (dict and set order, object addresses removed)."""
    if isinstance(value, dict):
        items = sorted((str(key), canonical(item)) for key, item in value.items())
        return "{" + ",".join(f"{key}:{item}" for key, item in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(canonical(item) for item in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return _ADDRESS.sub("", repr(value))


def _tree(digest, root: Path, skip=()) -> None:
    """Add every file under ``root`` (path, then bytes or size+mtime) to ``digest``."""
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        # Hidden folders and editors' scratch files (.x.md.swp, ~$x.docx, x~) are never
        # published: a swap file that changes on every keystroke must not re-render the site.
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.endswith("~"):
                continue
            path = Path(directory, name)
            if path.suffix in skip:
                continue
            stat = path.stat()
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            if stat.st_size <= SMALL_FILE:
                digest.update(path.read_bytes())
            else:
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())


def build_digest(settings: dict) -> str:
    """Digest of everything but the Markdown content (see the module docstring)."""
    digest = hashlib.sha256()
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version};".encode())
    plugins = Path(__file__).resolve().parent.parent
    for path in sorted(plugins.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".egg-info" not in str(path):
            digest.update(str(path.relative_to(plugins)).encode() + b"\0" + path.read_bytes())
    settings_text = canonical(
        {key: value for key, value in settings.items() if key not in IGNORED_SETTINGS}
    )
    digest.update(settings_text.encode())
    if settings.get("THEME"):
        _tree(digest, Path(settings["THEME"]))
    # Photos, documents and data files; Markdown is covered by the site digest and the page's
    # own body.
    _tree(digest, Path(settings["PATH"]), skip=(".md", ".markdown"))
    return digest.hexdigest()


def front_digest(content) -> str:
    """The digest of one content file's front-matter (set by the reader), else of the file.

    ``None`` (a file Pelican could not process: it lists those in ``generated_content`` too)
    has no front-matter to digest; its problems are in the site digest."""
    if content is None:
        return "-"
    value = getattr(content, "metadata", {}).get("bantin_front_digest")
    if value:
        return value
    try:
        with open(content.source_path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except (OSError, TypeError, AttributeError):
        return "?"


def site_digest(context: dict, problems) -> str:
    """Digest of every content file's front-matter and of the content problems."""
    digest = hashlib.sha256()
    generated = context.get("generated_content", {})
    for path in sorted(generated):
        content = generated[path]
        digest.update(f"{path}\0{type(content).__name__}\0{front_digest(content)}\n".encode())
    for problem in problems:
        digest.update(repr(problem).encode())
    return digest.hexdigest()


def body_digest(content) -> str:
    """Digest of a content object's HTML body as it will be rendered."""
    return hashlib.sha256((content._content or "").encode()).hexdigest()
