"""Content problems: what staff wrote wrong, said in Vietnamese, collected for the whole build.

Every plugin that checks content reports a :class:`Problem`; nothing is logged and forgotten.
At the end of the build the whole list is printed at once and, unless the build is a live
preview, the build fails (see ``bantin_core.register``).

:class:`Problem` is the one record of a problem. A check that sees one value only (a field's
converter, the ``ket_qua`` model, the YAML loader) makes its problems with
:meth:`Problem.inside`, relative to that value, and raises them in a :class:`FieldError` or
returns them; whoever knows the file puts them there with :meth:`Problem.within` and
:meth:`Problem.at`.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

#: Put before the message of a draft's problem, in every list (build, preview, check, editor).
DRAFT_MARK = "(bản nháp)"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one content file.

    ``source`` is the path as staff see it (relative to the project, e.g.
    ``content/articles/2021/hoi-nghi.md``); ``field`` is the dotted field path
    (``ket_qua.viec.ty_le``) or ``""`` for the file as a whole. ``message`` says what is
    wrong, ``found``/``expected`` show the value and what was wanted, ``hint`` how to fix it.
    """

    source: str
    line: int | None = None
    field: str = ""
    message: str = ""
    found: str | None = None
    expected: str | None = None
    hint: str | None = None
    #: The file is a draft (``status: draft``): listed everywhere, never blocks publishing.
    draft: bool = False
    #: ``field`` as keys and 0-based list indexes (``("ket_qua", "don_vi", 1, "ten")``), for
    #: finding its line; relative to the value for a problem made :meth:`inside` one. Not
    #: compared: ``field`` says the same, and JSON reports (:meth:`as_dict`) leave it out.
    path: tuple = dataclasses.field(default=(), compare=False)

    @classmethod
    def inside(cls, path=(), message: str = "", found=None, expected=None, hint=None) -> Problem:
        """A problem found in one value before its file is known; ``path`` is relative to the
        value (``()`` for the value itself, ``("viec", "ty_le")`` inside a block)."""
        path = tuple(path)
        return cls("", None, field_name(path), message, found, expected, hint, path=path)

    def within(self, *outer) -> Problem:
        """The same problem seen from the value that holds this one (``outer`` is the path of
        this value inside it: a field's key, a list item's index)."""
        path = (*outer, *self.path)
        return dataclasses.replace(self, field=field_name(path), path=path)

    def at(self, source: str, line: int | None = None) -> Problem:
        """The problem in its file; ``line`` None keeps the line it has."""
        return dataclasses.replace(self, source=source, line=self.line if line is None else line)

    def format(self) -> str:
        """The problem as one Vietnamese paragraph, file and line first (editors link those)."""
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        parts = [f"{where}:"]
        if self.draft:
            parts.append(DRAFT_MARK)
        if self.field:
            parts.append(f"trường «{self.field}»:")
        parts.append(self.message.rstrip(".") + ".")
        if self.found is not None:
            parts.append(f"Đang ghi: {self.found}.")
        if self.expected is not None:
            parts.append(f"Cần: {self.expected}.")
        if self.hint:
            parts.append(f"Cách sửa: {self.hint.rstrip('.')}.")
        return " ".join(parts)

    def as_dict(self) -> dict:
        """Plain data for JSON reports (preview error page, ``make check``)."""
        return {
            "source": self.source,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "found": self.found,
            "expected": self.expected,
            "hint": self.hint,
            "draft": self.draft,
            "text": self.format(),
        }


class FieldError(Exception):
    """A value is wrong: the problems found in it, each :meth:`Problem.inside` the value.

    ``FieldError(message, found=…, expected=…, hint=…)`` is one problem (a field's converter);
    ``FieldError(problems=…)`` carries every problem of a block (``ket_qua``, ``van_ban``).
    """

    def __init__(self, message: str = "", *, found=None, expected=None, hint=None, problems=()):
        self.problems = tuple(problems) or (Problem.inside((), message, found, expected, hint),)
        super().__init__(self.problems[0].message)

    def within(self, *outer) -> FieldError:
        """The same problems seen from the value that holds this one (see Problem.within)."""
        return FieldError(problems=[p.within(*outer) for p in self.problems])


def field_name(path: tuple) -> str:
    """``("ket_qua", "don_vi", 1, "ten")`` → ``ket_qua.don_vi[2].ten``: a field path as staff
    read it (paths index lists from 0, as YAML does; staff count from 1)."""
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        else:
            name += f".{part}" if name else str(part)
    return name


class ProblemLog:
    """The problems of one build. Thread-safe because image work runs in a pool."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._problems: list[Problem] = []
        self._seen: set[Problem] = set()  # a list test was quadratic in the number of problems

    def report(self, problem: Problem) -> None:
        with self._lock:
            if problem not in self._seen:
                self._seen.add(problem)
                self._problems.append(problem)

    def extend(self, problems) -> None:
        for problem in problems:
            self.report(problem)

    def clear(self) -> None:
        with self._lock:
            self._problems.clear()
            self._seen.clear()

    def sorted(self) -> list[Problem]:
        """Problems by file, then line, so one file's problems stand together."""
        with self._lock:
            return sorted(self._problems, key=lambda p: (p.source, p.line or 0, p.field))

    def since(self, count: int) -> list[Problem]:
        """The problems reported after the first ``count``, in the order they came."""
        with self._lock:
            return self._problems[count:]

    def __len__(self) -> int:
        return len(self._problems)


#: The build's problem log. Reset when a build starts (``initialized`` signal).
problem_log = ProblemLog()


def short_repr(value, limit: int = 80) -> str:
    """A value as staff wrote it, cut short for messages."""
    if isinstance(value, str):
        text = f'"{value}"'
    elif value is True:
        text = "true"
    elif value is False:
        text = "false"
    elif value is None:
        text = "(để trống)"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def blocking(problems) -> list:
    """Problems (objects or their dicts) that fail a build or a publish: not drafts'."""
    return [p for p in problems if not (p.get("draft") if isinstance(p, dict) else p.draft)]


def count_text(problems) -> str:
    """«3 lỗi trong 2 tệp» (+ how many belong to drafts and block nothing)."""
    sources = {p["source"] if isinstance(p, dict) else p.source for p in problems}
    text = f"{len(problems)} lỗi trong {len(sources)} tệp"
    drafts = len(problems) - len(blocking(problems))
    if drafts:
        text += f" ({drafts} lỗi của bản nháp, không chặn việc đăng các bài khác)"
    return text
