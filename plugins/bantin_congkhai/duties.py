"""Deadlines of the publication duties, in working days, and the report staff read.

:func:`duties` lists what is due or overdue on a day; :func:`format_report` says it in
Vietnamese. Pure: entries, a day and a :class:`~.workdays.WorkCalendar` in, duties out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .model import DEBTOR, AuctionNotice, DebtorEntry
from .workdays import WorkCalendar

#: Working days allowed for each duty (``BANTIN_CONGKHAI_HAN`` overrides any of them).
DEFAULT_DEADLINES = {"dang": 5, "sua": 3, "go": 3, "ket_qua": 3}

ACTIONS = {
    "dang": "Đăng",
    "sua": "Sửa",
    "go": "Gỡ",
    "ket_qua": "Đăng kết quả",
}
_FROM = {
    "dang": "từ ngày quyết định chưa có điều kiện thi hành",
    "sua": "từ ngày chi tiết thay đổi",
    "go": "từ ngày thi hành xong hoặc có điều kiện",
    "ket_qua": "từ ngày thông báo hết hạn",
}


@dataclass(frozen=True)
class Duty:
    """One thing staff must do: ``action`` (dang, sua, go, ket_qua) on ``entry`` by ``due``."""

    action: str
    source: str
    title: str
    start: dt.date
    due: dt.date
    days_left: int  # working days from today to the deadline; negative: overdue
    limit: int  # working days the duty allows
    note: str = ""

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def when(self) -> str:
        """«còn 2 ngày làm việc», «hạn là hôm nay», «quá hạn 3 ngày làm việc»."""
        if self.days_left > 0:
            return f"còn {self.days_left} ngày làm việc"
        if self.days_left == 0:
            return "hạn là hôm nay"
        return f"quá hạn {-self.days_left} ngày làm việc"

    def format(self) -> str:
        text = (
            f"{ACTIONS[self.action]} «{self.title}» ({self.source}): hạn {self.due:%d/%m/%Y}, "
            f"{self.when} ({self.limit} ngày làm việc {_FROM[self.action]} "
            f"{self.start:%d/%m/%Y})"
        )
        return text + (f"; {self.note}" if self.note else "")


def _duty(action, entry, start, calendar, today, limits, note="") -> Duty:
    due = calendar.add_working_days(start, limits[action])
    return Duty(
        action,
        entry.source,
        entry.title,
        start,
        due,
        _days_left(calendar, today, due),
        limits[action],
        note,
    )


def _days_left(calendar: WorkCalendar, today: dt.date, due: dt.date) -> int:
    """Working days left after today up to the deadline; the days past it when negative
    (a deadline today is 0, yesterday's −1 on a working day)."""
    return calendar.working_days_between(today, due)


def duties(entries, today: dt.date, calendar: WorkCalendar, deadlines=None) -> list[Duty]:
    """Every duty due or overdue on ``today``, overdue first, then by deadline."""
    limits = {**DEFAULT_DEADLINES, **(deadlines or {})}
    found: list[Duty] = []
    for entry in entries:
        if entry.kind == DEBTOR:
            found.extend(_debtor_duties(entry, today, calendar, limits))
        else:
            found.extend(_notice_duties(entry, today, calendar, limits))
    return sorted(found, key=lambda d: (d.due, d.source, d.action))


def _debtor_duties(entry: DebtorEntry, today, calendar, limits):
    if entry.thu_hoi is not None:
        duty = _duty("go", entry, entry.thu_hoi.ngay_phat_sinh, calendar, today, limits)
        # Written down: the next published build takes it off. Listed until its deadline
        # (or the day it was written, if that was late) so the release is not forgotten.
        if today <= max(duty.due, entry.thu_hoi.ngay):
            yield replace(
                duty,
                title=f"mục {entry.slug}",  # the name is not repeated once withdrawn
                note=f"đã ghi gỡ ngày {entry.thu_hoi.ngay:%d/%m/%Y}: xuất bản (make deploy) "
                "để gỡ khỏi trang",
            )
        return
    if entry.ngay_dang is None or entry.ngay_dang > today:
        note = "chưa ghi ngay_dang"
        if entry.ngay_dang is not None:
            note = f"hẹn đăng ngày {entry.ngay_dang:%d/%m/%Y}"
        yield _duty(
            "dang", entry, entry.quyet_dinh_chua_co_dieu_kien.ngay, calendar, today, limits, note
        )
    for amendment in entry.sua_doi:
        if amendment.ngay_sua is None:
            yield _duty(
                "sua",
                entry,
                amendment.ngay_thay_doi,
                calendar,
                today,
                limits,
                amendment.noi_dung,
            )


def _notice_duties(notice: AuctionNotice, today, calendar, limits):
    if notice.ket_qua is None and notice.expired_on(today):
        yield _duty("ket_qua", notice, notice.ends.date(), calendar, today, limits)


def duties_as_data(found: list[Duty]) -> list[dict]:
    """The duties as plain data (the live preview's JSON for the web editor)."""
    return [
        {
            "viec": d.action_label,
            "tep": d.source,
            "muc": d.title,
            "han": d.due.isoformat(),
            "con_lai": d.days_left,
            "qua_han": d.overdue,
            "text": d.format(),
        }
        for d in found
    ]


def format_report(found: list[Duty], today: dt.date) -> str:
    """The duties as staff read them in the build's output, ``make check`` and the preview."""
    if not found:
        return f"Việc công khai: không có việc đến hạn (ngày {today:%d/%m/%Y})."
    overdue = sum(1 for d in found if d.overdue)
    head = f"Việc công khai đến hạn (ngày {today:%d/%m/%Y}, tính theo ngày làm việc): {len(found)}"
    if overdue:
        head += f", trong đó {overdue} việc QUÁ HẠN"
    lines = [head + ":"]
    lines += [f"- {'QUÁ HẠN: ' if d.overdue else ''}{d.format()}." for d in found]
    return "\n".join(lines)
