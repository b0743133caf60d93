"""The editor's Vietnamese number input (admin/numbers.js) and the Python side agree.

The cases are written once, in tests/data/vi-number-cases.json. Node's test runner checks the
JavaScript parser on them (tests/js/vi-numbers.test.mjs, run from here so `make test` runs it);
this file checks the same cases against what the site prints (bantin_format.formatting) and how
the results model reads the stored number, and the text as staff typed it when it is written
straight into the front-matter.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bantin_format.formatting import format_change, format_money, format_number, format_percent
from bantin_frontmatter.loader import parse_front_matter
from bantin_ketqua.model import parse_results
from tests.conftest import ROOT

CASES = json.loads((ROOT / "tests/data/vi-number-cases.json").read_text(encoding="utf-8"))
ACCEPTED = [c for c in CASES["accepted"] if c["value"] is not None]

# kind → (the ket_qua part and field the number goes into, how the site prints it)
PLACES = {
    "count": (("viec", "co_dieu_kien"), format_number),
    "money": (("tien", "co_dieu_kien"), format_money),
    "percent": (("viec", "ty_le"), format_percent),
    "signed": (("viec", "so_cung_ky"), lambda v: format_change(v, "viec")),
    "signed-money": (("tien", "so_cung_ky"), lambda v: format_change(v, "tien")),
}


def _case_id(case):
    return f"{case['kind']}:{case['input']}"


def _read(kind, raw):
    """The model on a results block holding ``raw`` in the kind's field: (value, issues there)."""
    (part, name) = PLACES[kind][0]
    block = {
        "ky": {"tu": dt.date(2020, 10, 1), "den": dt.date(2021, 2, 28)},
        "viec": {"giai_quyet_xong": 0},
        "tien": {"giai_quyet_xong": 0},
    }
    block[part][name] = raw
    report, issues = parse_results(block)
    mine = [i for i in issues if i.path == (part, name)]
    value = None
    if report is not None:
        figures = getattr(report, part)
        value = getattr(figures, "ty_le_published" if name == "ty_le" else name)
    return value, mine


def _as_yaml(text):
    """The typed text written unquoted after ``field:`` in a post, as the strict loader reads it."""
    front, problems = parse_front_matter(f"---\nfield: {text}\n---\n")
    assert not problems
    return front.data["field"]


def test_node_runs_the_shared_cases():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: `make node-deps` installs it")
    result = subprocess.run(
        [node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    count = len(CASES["accepted"]) + len(CASES["refused"])
    passed = int(re.search(r"^# pass (\d+)$", result.stdout, re.M).group(1))
    assert passed > count  # every shared case ran, plus the stored-value checks


@pytest.mark.parametrize("case", ACCEPTED, ids=_case_id)
def test_stored_number_prints_as_the_editor_shows_it(case):
    assert PLACES[case["kind"]][1](case["value"]) == case["shown"]


@pytest.mark.parametrize("case", ACCEPTED, ids=_case_id)
def test_stored_number_is_what_the_model_reads(case):
    """What the editor stores (an int, or a float for a rate) passes the model unchanged."""
    value, issues = _read(case["kind"], case["value"])
    assert issues == []
    expected = case["value"]
    if case["kind"] == "percent":
        assert value == Decimal(str(expected))
    else:
        assert value == expected and isinstance(value, int)


@pytest.mark.parametrize("case", ACCEPTED, ids=_case_id)
def test_typed_text_in_the_file_means_the_same_number_to_the_model(case):
    """Typed straight into the file, the model either reads the same number or refuses it with
    a hint naming that very number (it never reads 2.073 as a count of 2)."""
    raw = _as_yaml(case["input"])
    value, issues = _read(case["kind"], raw)
    if not issues:
        assert Decimal(str(value)) == Decimal(str(case["value"]))
        return
    hint = issues[0].hint or ""
    named = re.findall(r"ghi (?:liền )?([-+]?\d+(?:\.\d+)?)", hint)
    if named:
        assert Decimal(named[-1]) == Decimal(str(case["value"])), hint
    else:
        assert "Chỉ ghi con số" in hint  # e.g. with «đồng» after it: refused, not misread


@pytest.mark.parametrize("case", CASES["refused"], ids=_case_id)
def test_refused_text_is_not_read_as_a_number_by_the_model_either(case):
    raw = _as_yaml(case["input"])
    value, issues = _read(case["kind"], raw)
    if "python_reads" in case:
        # A plain YAML number the model takes as it is; the editor asks for the plainer form.
        assert issues == [] and value == case["python_reads"]
    else:
        assert issues, f"the model read {case['input']!r} as {value!r}"


# --- Property: what the site prints, the editor reads back, and prints the same way ----------
_NODE_LOOP = """
import("%s").then(({ parseNumber, formatNumber }) => {
  const lines = require("node:readline").createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    const { text, value, kind } = JSON.parse(line);
    const parsed = parseNumber(text, kind);
    process.stdout.write(JSON.stringify({ parsed, shown: formatNumber(value, kind) }) + "\\n");
  });
});
"""


@pytest.fixture(scope="module")
def node_numbers():
    """admin/numbers.js in one node process, asked one JSON line at a time."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: `make node-deps` installs it")
    module = (ROOT / "admin/numbers.js").as_uri()
    process = subprocess.Popen(
        [node, "-e", _NODE_LOOP % module],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )

    def ask(text, value, kind):
        process.stdin.write(json.dumps({"text": text, "value": value, "kind": kind}) + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    yield ask
    process.stdin.close()
    process.wait(timeout=10)
    process.stdout.close()


@settings(max_examples=150, deadline=None)
@given(value=st.integers(min_value=0, max_value=2**53 - 1))
def test_printed_counts_and_money_read_back(node_numbers, value):
    for kind, printed in (("count", format_number(value)), ("money", format_money(value))):
        answer = node_numbers(printed, value, kind)
        assert answer == {"parsed": {"ok": True, "value": value}, "shown": printed}


@settings(max_examples=100, deadline=None)
@given(value=st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1))
def test_printed_signed_numbers_read_back(node_numbers, value):
    printed = format_number(value)  # «-1.234»: what staff copy from a table
    answer = node_numbers(printed, value, "signed")
    assert answer["parsed"] == {"ok": True, "value": value}
    assert answer["shown"] == format_change(value, "viec")


@settings(max_examples=100, deadline=None)
@given(hundredths=st.integers(min_value=0, max_value=10000))
def test_printed_rates_read_back(node_numbers, hundredths):
    rate = Decimal(hundredths).scaleb(-2)
    printed = format_percent(rate)
    answer = node_numbers(printed, float(rate), "percent")
    assert answer["parsed"]["ok"] and Decimal(str(answer["parsed"]["value"])) == rate
    assert answer["shown"] == printed
