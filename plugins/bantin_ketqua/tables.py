"""Which columns a results table shows: only those the data fills ("as the data allows")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import Figures

# Columns of the article's results table, in order; each names a Figures attribute.
RESULTS_COLUMNS = (
    "phai_thi_hanh",
    "co_dieu_kien",
    "giai_quyet_xong",
    "rate",
    "so_cung_ky",
    "target",
    "meets_target",
)
# Columns per kind (việc, tiền) of the units table and the statistics tables.
GROUP_COLUMNS = ("co_dieu_kien", "giai_quyet_xong", "rate", "target", "meets_target")


def present_columns(
    figures: Iterable[Figures | None], columns: Sequence[str] = RESULTS_COLUMNS
) -> tuple[str, ...]:
    """The columns, in order, that at least one of the rows has a value for."""
    rows = [f for f in figures if f is not None]
    return tuple(c for c in columns if any(getattr(f, c) is not None for f in rows))


def group_columns(figures: Iterable[Figures | None]) -> tuple[str, ...]:
    """:func:`present_columns` for one kind of a grouped table (units, statistics)."""
    return present_columns(figures, GROUP_COLUMNS)
