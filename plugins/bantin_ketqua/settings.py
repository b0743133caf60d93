"""The results plugin's settings: defaults in one place, read once into a frozen object."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULTS: dict[str, object] = {
    # The statistics page (every period's results, docs/huong-dan-ket-qua.md), under output/.
    # The home page's latest-results block links it (templates read the same name).
    "BANTIN_KETQUA_SAVE_AS": "thong-ke/index.html",
    # Its open data files; empty: not written.
    "BANTIN_KETQUA_CSV_SAVE_AS": "thong-ke/ket-qua.csv",
    "BANTIN_KETQUA_JSON_SAVE_AS": "thong-ke/ket-qua.json",
}


@dataclass(frozen=True)
class ResultsSettings:
    """Where the statistics page and its open data files are written."""

    save_as: str
    csv_save_as: str
    json_save_as: str


def read(settings) -> ResultsSettings:
    own = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    return ResultsSettings(
        save_as=own["BANTIN_KETQUA_SAVE_AS"],
        csv_save_as=own["BANTIN_KETQUA_CSV_SAVE_AS"],
        json_save_as=own["BANTIN_KETQUA_JSON_SAVE_AS"],
    )
