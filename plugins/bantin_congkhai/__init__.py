"""Pelican plugin: publication duties as structured content (issue 19).

Reads ``content/cong-khai/chua-co-dieu-kien/*.yml`` (judgment debtors without means to pay) and
``content/cong-khai/dau-gia/*.yml`` (auction notices) with the model in :mod:`.model`; every
problem goes to ``bantin_core``'s problem log with file, line and field. Writes:

- ``cong-khai/chua-co-dieu-kien/``: the list by unit and year (anchors ``#<unit>-<year>``, a
  small filter by name that folds accents, d for đ); each entry at
  ``cong-khai/chua-co-dieu-kien/<slug>/`` with its publication date and change history;
- a withdrawn entry's address: only a notice that the information was withdrawn (no name, no
  details), never listed, indexed, fed or mapped; the caches a later build would reuse are
  purged of it (:mod:`.notrace`);
- ``cong-khai/dau-gia/``: the notices, current first, expired ones marked; each at
  ``cong-khai/dau-gia/<slug>/``; an Atom feed of them (:data:`FEED_ATOM`);
- ``cong-khai/chua-co-dieu-kien/da-go.json``: the withdrawn entries' file names and days (no
  personal data), to compare releases kept for rollback (``notrace.rollback_exposes``);
- in the live preview (``BANTIN_PREVIEW``), ``cong-khai/viec-can-lam/``: the duties due, as a
  page and as JSON for the web editor.

The day deadlines and expiry are reckoned on is fixed when each build starts (a setting, so
the page cache renders those pages again the next day). ``make check`` adds
:func:`.check.check_public_notices`; the web editor uses :mod:`.editor`.

The deadline report (:mod:`.duties`) is printed by every build as warnings: an overdue duty
never blocks publishing (that would keep a withdrawn person online longer).

Settings: :mod:`.settings` (deadlines, days off, noindex, the day reckoned on).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from feedgenerator import Atom1Feed, get_tag_uri
from pelican import signals
from pelican.generators import Generator

from bantin_core.problems import Problem, problem_log
from bantin_frontmatter.fields import FieldContext, earliest_date
from bantin_frontmatter.reader import display_path, not_utf8
from bantin_ketqua.model import _name_order  # the house's Vietnamese alphabetical order
from bantin_search.folding import fold, search_meta
from bantin_search.settings import read as search_settings

from . import notrace
from .duties import DEFAULT_DEADLINES, duties, duties_as_data, format_report
from .model import AUCTION, DEBTOR, FOLDERS, parse_entry
from .settings import read, written
from .workdays import WorkCalendar

logger = logging.getLogger(__name__)

DEBTORS_URL = "cong-khai/chua-co-dieu-kien/"
AUCTIONS_URL = "cong-khai/dau-gia/"
DUTIES_URL = "cong-khai/viec-can-lam/"
#: The auction notices' Atom feed (a constant: nobody moves it, readers subscribe to it).
FEED_ATOM = "feeds/dau-gia.atom.xml"
#: The agency's own code in ``don_vi`` (the units' come from content/data/don_vi.yml); the
#: schema's hints and the staff guide say «cuc».
AGENCY_CODE = "cuc"

#: The day this build reckons with, written into its settings when it starts (see
#: :func:`fix_the_day`). Not a setting: the plugin writes it, nobody sets it.
BUILD_DAY = "CONGKHAI_BUILD_DAY"


def today_of(settings) -> dt.date:
    """The day deadlines and expiry are reckoned on: the setting, else the build's day, else
    today in the site's time zone."""
    written = read(settings).today or settings.get(BUILD_DAY)
    if written:
        return dt.date.fromisoformat(str(written))
    return dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC")).date()


def fix_the_day(pelican) -> None:
    """Write the build's day into its settings when it starts (returns no generator).

    One day for the whole build (a build running over midnight does not mark half its pages
    with each day), and pages that show it (expired notices, what is published) are rendered
    again the next day: the page cache (bantin_build) keys pages on the settings, not on the
    clock.
    """
    settings = pelican.settings
    settings.pop(BUILD_DAY, None)  # the live preview builds again with the same settings
    if not any(os.path.isdir(os.path.join(settings["PATH"], f)) for f in FOLDERS):
        return  # no notices: nothing depends on the day
    # The day written wrong (BANTIN_CONGKHAI_HOM_NAY): check_settings reports it.
    with contextlib.suppress(ValueError):
        settings[BUILD_DAY] = today_of(settings).isoformat()


def calendar_of(settings) -> WorkCalendar:
    """Working days of the office; a day off written wrong is left out (see check_settings)."""
    return WorkCalendar.with_days_off(read(settings).days_off)


_ISO = "ngày dạng năm-tháng-ngày, ví dụ 2025-10-27"


def check_settings(settings) -> list[Problem]:
    """The plugin's settings as the maintainer wrote them in pelicanconf.py, checked."""
    own = written(settings)
    problems = []

    def problem(name, message, found, expected):
        problems.append(Problem("pelicanconf.py", None, name, message, found, expected))

    days = own["BANTIN_CONGKHAI_NGAY_NGHI"]
    if not isinstance(days, list | tuple):
        problem(
            "BANTIN_CONGKHAI_NGAY_NGHI",
            "Ngày nghỉ phải là một danh sách ngày",
            repr(days),
            '["2025-10-27"]',
        )
        days = ()
    for day in days:
        try:
            dt.date.fromisoformat(str(day))
        except ValueError:
            problem(
                "BANTIN_CONGKHAI_NGAY_NGHI", "Ngày nghỉ không đúng dạng", repr(day), "2025-10-27"
            )
    limits = own["BANTIN_CONGKHAI_HAN"]
    if not isinstance(limits, dict):
        problem(
            "BANTIN_CONGKHAI_HAN",
            "Thời hạn phải là một bảng số ngày làm việc cho từng việc",
            repr(limits),
            '{"dang": 5, "sua": 3, "go": 3, "ket_qua": 3}',
        )
        limits = {}
    for name, value in limits.items():
        if name not in DEFAULT_DEADLINES or not isinstance(value, int) or value < 1:
            problem(
                "BANTIN_CONGKHAI_HAN",
                f"Thời hạn «{name}» không dùng được",
                repr(value),
                "số ngày làm việc (số nguyên dương) cho dang, sua, go, ket_qua",
            )
    try:
        today_of(settings)
    except ValueError:
        problem(
            "BANTIN_CONGKHAI_HOM_NAY",
            "Ngày không đúng dạng",
            repr(own["BANTIN_CONGKHAI_HOM_NAY"]),
            "2026-02-23",
        )
    return problems


def units_of(settings, data: dict) -> dict:
    """``ma`` → unit, the agency itself as ``cuc``."""
    from bantin_data.schema import Unit

    agency = settings.get("AGENCY", {}).get("name") or settings.get("SITENAME", "")
    units = {AGENCY_CODE: Unit(agency, AGENCY_CODE)}
    units.update({unit.ma: unit for unit in data.get("don_vi", ())})
    return units


def read_entries(content_path: str, settings, data: dict) -> tuple[list, list[Problem]]:
    """Every entry under content/cong-khai/, and every problem in them (pure of Pelican)."""
    entries, problems = [], []
    units, earliest = units_of(settings, data), earliest_date(settings)
    for folder, kind in FOLDERS.items():
        directory = os.path.join(content_path, folder)
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if name.startswith(".") or not os.path.isfile(path):
                continue
            source = display_path(path)
            if not name.endswith(".yml"):
                problems.append(
                    Problem(
                        source,
                        None,
                        "",
                        "Thư mục này chỉ chứa tệp .yml, mỗi tệp một mục",
                        hint="đổi đuôi tệp thành .yml, hoặc chuyển tệp ra khỏi thư mục",
                    )
                )
                continue
            with open(path, "rb") as handle:
                raw = handle.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                # The same problem the build's check of every text file reports (one listed).
                problems.append(not_utf8(source, raw, exc))
                continue
            ctx = FieldContext(content_path, path, earliest=earliest, extra={"units": units})
            entry, found = parse_entry(kind, text, name[:-4], source, ctx)
            problems.extend(found)
            if entry is not None:
                entries.append(entry)
    return entries, problems


@dataclass
class EntryPage:
    """What Pelican's writer, the sitemap plugin and the search metadata read of a page.

    ``status`` "hidden" keeps a page out of the sitemap (pelican-sitemap's rule).
    """

    entry: object
    url: str
    save_as: str
    status: str
    date: dt.datetime | None
    modified: dt.datetime | None = None
    search_meta: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    thumbnail: None = None


@dataclass
class PublicNotices:
    """This build's public notices, kept in the context as ``CONG_KHAI``."""

    today: dt.date
    entries: list
    debtors: list  # shown now
    withdrawn: list
    notices: list  # shown now, current first
    duties: list
    report: str
    noindex: bool
    present: bool  # the site has a content/cong-khai/ folder: lists are written only then
    units: dict  # ma → unit (content/data/don_vi.yml, the agency as «cuc»)
    pages: dict = field(default_factory=dict)  # slug-path → EntryPage


def _at(day: dt.date | None, tz) -> dt.datetime | None:
    return None if day is None else dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def _entry_texts(entry) -> list[str]:
    values = [
        getattr(entry, name, None)
        for name in ("dia_chi", "nghia_vu", "ly_do", "tai_san", "tieu_chi", "noi_nop")
    ]
    return [v for v in values if isinstance(v, str)]


def group_by_unit_year(debtors, units) -> list[tuple]:
    """[(unit, [(year, [entries])…])…]: units in the order of don_vi.yml (the agency first),
    years newest first, names in Vietnamese alphabetical order (Đ after D)."""
    order = list(units)
    groups: dict = {}
    for entry in debtors:
        groups.setdefault(entry.don_vi, {}).setdefault(entry.year, []).append(entry)
    return [
        (
            units[code],
            [
                (year, sorted(groups[code][year], key=lambda e: _name_order(e.ho_ten)))
                for year in sorted(groups[code], reverse=True)
            ],
        )
        for code in sorted(groups, key=order.index)
    ]


def _shown_notices(entries, today: dt.date) -> list:
    """The auction notices published by ``today``: current ones first, the nearest deadline
    first; then the expired, latest first."""
    return sorted(
        (e for e in entries if e.kind == AUCTION and e.published_on(today)),
        key=lambda n: (
            n.expired_on(today),
            -n.ends.timestamp() if n.expired_on(today) else n.ends.timestamp(),
            n.slug,
        ),
    )


def public_notices(entries, settings, content_path: str, data: dict) -> PublicNotices:
    """This build's state of the entries: what is shown, withdrawn and due on its day."""
    today, own = today_of(settings), read(settings)
    found = duties(entries, today, calendar_of(settings), own.deadlines)
    state = PublicNotices(
        today=today,
        entries=entries,
        debtors=[e for e in entries if e.kind == DEBTOR and e.published_on(today)],
        withdrawn=[e for e in entries if e.withdrawn],
        notices=_shown_notices(entries, today),
        duties=found,
        report=format_report(found, today),
        noindex=own.noindex,
        present=any(os.path.isdir(os.path.join(content_path, f)) for f in FOLDERS),
        units=units_of(settings, data),
    )
    add_pages(state, settings)
    return state


def add_pages(state: PublicNotices, settings) -> None:
    """Each shown entry's page (with its search metadata), each withdrawn entry's notice."""
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    abbreviations = search_settings(settings).abbreviations
    for entry in [*state.debtors, *state.notices]:
        base = DEBTORS_URL if entry.kind == DEBTOR else AUCTIONS_URL
        url = f"{base}{entry.slug}/"
        hidden = entry.kind == DEBTOR and state.noindex
        page = EntryPage(
            entry,
            url,
            url + "index.html",
            "hidden" if hidden else "published",
            _at(entry.ngay_dang, tz),
            _at(entry.last_amended, tz),
            search_meta(entry.title, _entry_texts(entry), abbreviations),
        )
        state.pages[url] = page
    for entry in state.withdrawn:
        url = f"{DEBTORS_URL}{entry.slug}/"
        state.pages[url] = EntryPage(entry, url, url + "index.html", "hidden", None)


def report_duties(state: PublicNotices) -> None:
    """The duties due or overdue, printed plainly as the problem list is: staff read it in
    `make html`'s output."""
    if not state.duties:
        return
    print(f"\n{state.report}\n", file=sys.stderr, flush=True)
    logger.warning(
        "[cong_khai] %s việc công khai đến hạn hoặc quá hạn (xem danh sách ở trên).",
        len(state.duties),
    )


class PublicNoticesGenerator(Generator):
    """Reads the entries (generate_context) and writes their pages (generate_output)."""

    def generate_context(self):
        if "DATA" not in self.context:
            from bantin_data import add_data

            add_data(self)
        data = self.context.get("DATA", {})
        entries, problems = read_entries(self.path, self.settings, data)
        problem_log.extend(problems)
        state = public_notices(entries, self.checked_settings(), self.path, data)
        self.context["CONG_KHAI"] = state
        report_duties(state)

    def checked_settings(self):
        """The settings, their problems logged; a day written wrong reads as not written."""
        problems = check_settings(self.settings)
        problem_log.extend(problems)
        if any(p.field == "BANTIN_CONGKHAI_HOM_NAY" for p in problems):
            return {**self.settings, "BANTIN_CONGKHAI_HOM_NAY": ""}
        return self.settings

    def generate_output(self, writer):
        state: PublicNotices = self.context["CONG_KHAI"]
        if not state.present:
            return
        units = state.units
        write = writer.write_file
        write(
            DEBTORS_URL + "index.html",
            self.get_template("cong_khai_danh_sach"),
            self.context,
            template_name="cong_khai_danh_sach",
            url=DEBTORS_URL,
            list_url=DEBTORS_URL,
            groups=group_by_unit_year(state.debtors, units),
            units=units,
            fold=fold,
            page=EntryPage(None, DEBTORS_URL, "", "hidden" if state.noindex else "published", None),
        )
        write(
            AUCTIONS_URL + "index.html",
            self.get_template("cong_khai_dau_gia"),
            self.context,
            template_name="cong_khai_dau_gia",
            url=AUCTIONS_URL,
            list_url=AUCTIONS_URL,
            notices=state.notices,
            units=units,
            feed_atom=FEED_ATOM,
        )
        for page in state.pages.values():
            entry = page.entry
            template = "cong_khai_muc"
            if entry.withdrawn:
                template = "cong_khai_da_go"
            write(
                page.save_as,
                self.get_template(template),
                self.context,
                template_name=template,
                url=page.url,
                entry=entry,
                page=page,
                units=units,
            )
        if self.settings.get("BANTIN_PREVIEW"):
            self.write_duties(writer, state)
        self.write_feed(state)
        notrace.write_manifest(self.output_path, state.withdrawn)

    def write_duties(self, writer, state: PublicNotices) -> None:
        """The live preview's page of the duties due, and the same list for the web editor."""
        write = writer.write_file
        write(
            DUTIES_URL + "index.html",
            self.get_template("cong_khai_viec_can_lam"),
            self.context,
            template_name="cong_khai_viec_can_lam",
            url=DUTIES_URL,
            list_url=DUTIES_URL,
            page=EntryPage(None, DUTIES_URL, "", "hidden", None),
        )
        # The same list for the web editor to show beside its entries.
        path = os.path.join(self.output_path, DUTIES_URL, "viec-can-lam.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(duties_as_data(state.duties), handle, ensure_ascii=False, indent=1)

    def write_feed(self, state: PublicNotices) -> None:
        """The auction notices as Atom (never the debtors: feed readers keep copies that a
        withdrawal cannot reach)."""
        save_as = FEED_ATOM
        domain = (self.settings.get("FEED_DOMAIN") or self.settings.get("PUBLIC_URL") or "").rstrip(
            "/"
        )
        feed = Atom1Feed(
            title=f"Thông báo đấu giá – {self.settings.get('SITENAME', '')}",
            link=f"{domain}/{AUCTIONS_URL}",
            feed_url=f"{domain}/{save_as}",
            description="",
            language="vi",
        )
        tz = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        for notice in state.notices:
            link = f"{domain}/{AUCTIONS_URL}{notice.slug}/"
            published = _at(notice.ngay_dang, tz)
            feed.add_item(
                title=notice.title,
                link=link,
                unique_id=get_tag_uri(link, published),
                description=notice.tai_san,
                pubdate=published,
                updateddate=_at(notice.last_amended, tz) or published,
            )
        path = os.path.join(self.output_path, save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            feed.write(handle, "utf-8")


def add_generator(pelican):
    return PublicNoticesGenerator


def purge_after_build(pelican):
    """After the build: no cache a later build reuses may still hold a withdrawn entry.

    The entries are read again (a few small files) rather than handed over from the
    generator: ``finalized`` receivers get only the Pelican object.
    """
    settings = pelican.settings
    from bantin_data.schema import load_data_folder

    folder = os.path.join(settings["PATH"], settings.get("DATA_PATH", "data"))
    data, _problems = load_data_folder(folder)
    entries, _problems = read_entries(settings["PATH"], settings, data)
    notrace.purge_withdrawn(settings, entries)


def register():
    # Once per build, the live preview's too (``initialized`` comes once per process there).
    signals.get_generators.connect(fix_the_day)
    signals.get_generators.connect(add_generator)
    signals.finalized.connect(purge_after_build)
