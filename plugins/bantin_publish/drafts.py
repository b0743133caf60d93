"""Drafts and scheduled posts: what is not on the site yet, when it will be, what is wrong.

A *draft* says ``status: draft``; a *scheduled* post has a date after now (the build leaves it out
of every published output until that day: ``WITH_FUTURE_DATES = False``). ``make drafts``
(``python -m bantin_publish drafts``) lists both from the content folder; the live preview's
page ``/__preview/ban-nhap/`` lists the same from its build (``bantin_editor``). Both read each
listed file with the reader, so the problems are the build's own messages.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bantin_core.problems import Problem
from bantin_frontmatter.body import MARKDOWN_SUFFIXES
from bantin_frontmatter.fields import schema
from bantin_frontmatter.loader import parse_front_matter
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader, display_path

from .sources import ContentFile, content_kind, parse_date, planned_output


@dataclass(frozen=True)
class DraftEntry:
    """One post not published yet."""

    source: str  # as staff see it
    title: str
    date: dt.datetime | None
    scheduled: bool  # dated in the future (and not a draft): appears on its day
    problems: tuple[Problem, ...] = ()
    url: str | None = None  # the preview's address of the post, when it was built

    @property
    def state(self) -> str:
        return "Hẹn giờ đăng" if self.scheduled else "Bản nháp"


def now_in(settings) -> dt.datetime:
    """The site's local time, naive (front-matter dates are written without a zone)."""
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    return dt.datetime.now(zone).replace(tzinfo=None)


def collect_drafts(content: Path, settings, now: dt.datetime | None = None) -> list[DraftEntry]:
    """Every draft and scheduled post under ``content`` (newest date first, undated last)."""
    content = Path(content).resolve()
    now = now or now_in(settings)
    reader = None
    entries = []
    for directory, folders, files in os.walk(content):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            path = Path(directory, name)
            if (
                path.suffix not in MARKDOWN_SUFFIXES
                or content_kind(path, content, settings) is None
            ):
                continue
            raw = path.read_bytes()
            try:
                front, _ = parse_front_matter(raw.decode("utf-8-sig").replace("\r\n", "\n"))
            except UnicodeDecodeError:
                continue  # not a listed draft: the build reports the file
            if front is None:
                continue
            draft = front.data.get("status") == "draft"
            date = parse_date(front.data.get("date"))
            scheduled = not draft and date is not None and date > now
            if not (draft or scheduled):
                continue
            if reader is None:
                schema()  # every field, the plugins' blocks (ket_qua) included, as in a build
                reader = BantinMarkdownReader(settings)
            _body, metadata = reader.read_bytes(raw, str(path))
            kind = content_kind(path, content, settings)
            data = {**front.data, "status": "draft"}
            data.pop("save_as", None)
            item = ContentFile(path, display_path(str(path)), kind, data, front.lines, "", 0)
            try:
                url = planned_output(item, settings)
            except Exception:  # a value too broken to format: no address
                url = None
            entries.append(
                DraftEntry(
                    display_path(str(path)),
                    str(metadata.get("title") or name),
                    date,
                    scheduled,
                    tuple(metadata.get(PROBLEMS_KEY, ())),
                    url.removesuffix("index.html") if url else None,
                )
            )
    return sort_entries(entries)


def sort_entries(entries) -> list[DraftEntry]:
    """Scheduled first by date, then drafts, newest first; undated drafts last."""
    return sorted(
        entries,
        key=lambda e: (not e.scheduled, e.date is None, -(e.date or dt.datetime.min).timestamp()),
    )


def format_date(value: dt.datetime | None) -> str:
    """``19/03/2021 08:30`` (the site's own format in lists), or «chưa có ngày»."""
    if value is None:
        return "chưa có ngày"
    return value.strftime("%d/%m/%Y %H:%M")


def format_drafts(entries: list[DraftEntry]) -> str:
    """The listing ``make drafts`` prints, in Vietnamese."""
    if not entries:
        return "Không có bản nháp hay bài hẹn giờ đăng nào."
    scheduled = sum(e.scheduled for e in entries)
    lines = [
        f"{len(entries) - scheduled} bản nháp, {scheduled} bài hẹn giờ đăng "
        "(chưa có trên trang đã phát hành):",
        "",
    ]
    for entry in entries:
        when = format_date(entry.date)
        state = f"{entry.state}, đăng ngày {when}" if entry.scheduled else entry.state
        if not entry.scheduled:
            state += f", ngày ghi trong bài: {when}"
        lines.append(f"- {entry.title}")
        lines.append(f"  {entry.source} — {state}")
        if entry.problems:
            lines.append(f"  {len(entry.problems)} lỗi cần sửa trước khi đăng:")
            lines.extend(f"    • {p.format()}" for p in entry.problems)
        else:
            lines.append("  Không có lỗi.")
    return "\n".join(lines)
