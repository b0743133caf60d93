"""The macros of components/results.html rendered on their own, for the cases a site may lack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import jinja2
import pytest
from bs4 import BeautifulSoup

import bantin_ketqua
from bantin_format import FILTERS
from bantin_ketqua.model import YearTargets, apply_targets, parse_results
from tests.conftest import ROOT

TEMPLATES = ROOT / "theme" / "templates"


@pytest.fixture(scope="module")
def env():
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.install_null_translations(newstyle=True)
    environment.filters.update(FILTERS)
    bantin_ketqua.add_filters(
        type("Generator", (), {"env": environment, "context": {}, "settings": {}})()
    )
    return environment


def render(env, macro, *args) -> BeautifulSoup:
    template = env.from_string(
        f'{{% from "components/results.html" import {macro} %}}{{{{ {macro}(*args) }}}}'
    )
    return BeautifulSoup(template.render(args=args), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").replace("\xa0", " ").split())


def report(raw, targets=None):
    parsed, issues = parse_results(raw)
    assert not issues, issues
    return apply_targets(parsed, targets or {})


def test_period_not_starting_in_october_is_named_by_its_dates_once(env):
    quarter = report(
        {"ky": {"tu": date(2021, 1, 1), "den": date(2021, 3, 31)}, "viec": {"giai_quyet_xong": 5}}
    )
    caption = text(render(env, "bt_results_table", quarter).caption)
    assert caption == "Kết quả thi hành án dân sự 01/01/2021 – 31/03/2021"


def test_cases_only_without_targets_has_no_money_row_and_no_assessment(env):
    only_cases = report(
        {
            "ky": {"tu": date(2020, 10, 1), "den": date(2021, 9, 30)},
            "viec": {"co_dieu_kien": 3, "giai_quyet_xong": 1},
        }
    )
    soup = render(env, "bt_results_table", only_cases)
    assert text(soup.caption).startswith("Kết quả thi hành án dân sự năm 2021 ")
    assert [text(th) for th in soup.select("thead th")] == [
        "Có điều kiện",
        "Giải quyết xong",
        "Tỷ lệ",
    ]
    assert [text(th) for th in soup.select("tbody th")] == ["Về việc"]
    assert [text(td) for td in soup.select("tbody td")] == ["3", "1", "33,33%"]


def test_a_value_missing_in_one_row_is_said_not_left_blank(env):
    mixed = report(
        {
            "ky": {"tu": date(2020, 10, 1), "den": date(2021, 9, 30)},
            "viec": {"co_dieu_kien": 10, "giai_quyet_xong": 5},
            "tien": {"giai_quyet_xong": 7, "ty_le": 12.5},
        },
        {2021: YearTargets(Decimal("81.00"), None)},
    )
    rows = {text(tr.th): tr for tr in render(env, "bt_results_table", mixed).select("tbody tr")}
    money = rows["Về tiền"].find_all("td")
    assert text(money[0]) == "– không có số liệu"
    assert money[0].select_one('[aria-hidden="true"]') is not None
    assert text(money[-1]) == "– không có số liệu"  # no money target: no assessment
    assert text(rows["Về việc"].find_all("td")[-1]) == "Chưa đạt"
