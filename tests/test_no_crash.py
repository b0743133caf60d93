"""No input crashes a build: generated front-matter and bodies through the whole pipeline.

Hypothesis writes a handful of posts per example — random YAML scalars, dates that do not
exist, huge and negative numbers, odd Unicode with control characters, broken Markdown and
HTML — into real fields (title, date, category, tags, slug, image, status, ket_qua, van_ban…)
of a small site, then runs them through `make html`'s code path (an in-process Pelican build
with every plugin, built again for each example as the live preview does) and `make check`'s
(the same build, then the output's link check), and the editor's (`read_bytes`).

Every file must come out as a built page or as problems naming it and a line, in Vietnamese;
never a traceback, never the reader's safety net (:data:`CRASH_MESSAGE`), never Pelican's own
error.
"""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest
import yaml
from conftest import PELICANCONF, SITES
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import bantin_ketqua
from bantin_frontmatter.reader import (
    CRASH_MESSAGE,
    PROBLEMS_KEY,
    BantinMarkdownReader,
    display_path,
)
from bantin_publish.links import check_output

VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
ODD = [
    "2021-02-30", "2021-13-01", "0000-01-01", "2021-02-29 08:30", "2021-01-01 25:00:00",
    "9999-12-31", "19/03/2021", "{static}/images/anh.svg", "images/anh.svg", "../../../etc/passwd",
    "*alias", "&anchor x", "!!python/object/apply:os.system ['true']", "|", ">", "@x", "`x`",
    "%x", "- a", "[a", "{a", "'", '"', "\\", ":", "#", "---", "...", "CẦN VIẾT MÔ TẢ ẢNH",
    "Tin hoạt động", "draft", "published", "hidden", "ye\u0301n", "\u202eabc", "\x00", "\x1b[31m",
    "2.073", "37,10", "1e400", "-0", "0x10", "010", "12:30", "yes", "NaN", ".inf",
]  # fmt: skip
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF), max_size=24
) | st.sampled_from(ODD)
SCALARS = st.one_of(
    TEXT,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)  # fmt: skip
FIGURES = st.dictionaries(
    st.sampled_from(
        ["phai_thi_hanh", "co_dieu_kien", "chua_co_dieu_kien", "giai_quyet_xong",
         "thi_hanh_xong", "dinh_chi", "giam", "ty_le", "so_cung_ky", "chi_tieu", "khac"]
    ),
    SCALARS,
    max_size=5,
)  # fmt: skip
RESULTS = st.fixed_dictionaries(
    {"ky": st.fixed_dictionaries({"tu": SCALARS, "den": SCALARS}) | VALUES},
    optional={
        "viec": FIGURES | VALUES,
        "tien": FIGURES,
        "don_vi": st.lists(st.fixed_dictionaries({"ten": TEXT}, optional={"viec": FIGURES})),
        "tieu_de": TEXT,
    },
)
DOCUMENT = st.dictionaries(
    st.sampled_from(["loai", "so_ky_hieu", "co_quan_ban_hanh", "ngay_ban_hanh", "tep", "x"]),
    SCALARS,
    max_size=5,
)
FIELDS = {
    "title": TEXT,
    "date": SCALARS,
    "category": st.sampled_from(["Tin hoạt động", "Thông báo"]) | TEXT,
    "tags": st.lists(TEXT, max_size=3) | SCALARS,
    "slug": TEXT,
    "image": st.sampled_from(["images/anh.svg", "images/khong-co.jpg"]) | TEXT,
    "image_alt": TEXT,
    "status": st.sampled_from(["draft", "published", "hidden"]) | SCALARS,
    "summary": TEXT,
    "ket_qua": RESULTS | VALUES,
    "van_ban": DOCUMENT | VALUES,
    "dinh_chinh": TEXT,
    "order": SCALARS,
    "lang": TEXT,
    "khong_co": VALUES,
}
BODY_PIECES = [
    "Đoạn văn.", "![", "](", "images/anh.svg", "images/2021/khong-co.jpg", ")", "[KET_QUA]",
    "<img src=x>", "<img alt='' src='{static}/images/anh.svg'>", "<a href='{filename}/x.md'>a</a>",
    "<a href=\"documents/x.pdf\">", "<script>alert(1)</script>", "</div>", "<table><tr>", "**",
    "`", "```", "\n\n", "\n", "| a | b |\n|---|---|\n| 1 | 2 |", "[^1]", "&#0;", "&bogus;",
    "<!--", "-->", "\u202e", "\x00", "<style>", "<math><mi>x", "> ", "# ", "[x]: <>",
    "![CẦN VIẾT MÔ TẢ ẢNH](images/anh.svg)", "![Ảnh](../../images/anh.svg)",
]  # fmt: skip
BODY = st.lists(st.sampled_from(BODY_PIECES) | TEXT, max_size=12).map("".join)


@st.composite
def posts(draw):
    """The bytes of one post: some fields valid, some generated, YAML dumped or pasted raw."""
    data = {
        "title": "Bài thử",
        "date": "2021-03-19 08:30",
        "category": "Tin hoạt động",
        "slug": "bai-thu",
    }
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=4, unique=True)):
        data[name] = draw(FIELDS[name])
    lines = []
    for name, value in data.items():
        if isinstance(value, str) and draw(st.booleans()):
            lines.append(f"{name}: {value}")  # as typed: may well break the YAML
        else:
            dumped = yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False)
            lines.append(dumped.rstrip("\n"))
    text = "---\n" + "\n".join(lines) + "\n---\n" + draw(BODY) + "\n"
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """A small site, and one Pelican that builds it again and again (as the live preview)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    root = tmp_path_factory.mktemp("no-crash")
    content = root / "content"
    shutil.copytree(SITES / "check-clean", content)
    (content / "articles/2021/bai-mot.md").unlink()
    report = root / "problems.json"
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(root / "output"),
        "CACHE_PATH": str(root / "cache"),
        "BANTIN_FAIL_ON_PROBLEMS": False,
        "BANTIN_PROBLEMS_FILE": str(report),
        "BANTIN_SEARCH": False,
        "LOAD_CONTENT_CACHE": False,
    }
    pelican = Pelican(read_settings(str(PELICANCONF), override=overrides))
    built: set[str] = set()

    def note(generators):
        built.clear()
        for generator in generators:
            for name in ("articles", "translations", "hidden_articles", "drafts", "pages"):
                built.update(item.source_path for item in getattr(generator, name, ()))
            built.update(item.source_path for item in getattr(generator, "hidden_pages", ()))

    from pelican import signals

    signals.all_generators_finalized.connect(note, weak=False)
    bantin_ketqua.add_field()
    reader = BantinMarkdownReader(pelican.settings)
    yield root, content, pelican, report, built, reader
    signals.all_generators_finalized.disconnect(note)  # later tests build too


def _vietnamese(text: str) -> bool:
    return any(ch in VIETNAMESE for ch in unicodedata.normalize("NFC", text.lower()))


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    # No shrinking: a failure is shown as generated (shrinking a build can take minutes).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(posts(), min_size=1, max_size=4))
# What crashed the build before (issue 16): a date not on the calendar, a control character.
@example(
    files=[b"---\ntitle: a\ndate: 2021-02-30\ncategory: Th\xc3\xb4ng b\xc3\xa1o\nslug: a\n---\n"]
)
# A control character in a body reached the feed, which cannot hold it (XML 1.0).
@example(
    files=[
        b"---\ntitle: B\xc3\xa0i\ndate: 2021-03-19 08:30\ncategory: Tin ho\xe1\xba\xa1t \xc4\x91"
        b"\xe1\xbb\x99ng\nslug: bai-thu\n---\nA\x0fb &\x1b\n",
        b'---\ntitle: "x\\x0fy"\ndate: 2021-03-20 08:30\ncategory: Tin ho\xe1\xba\xa1t \xc4\x91'
        b"\xe1\xbb\x99ng\nslug: bai-hai\n---\nB\n",
    ]
)
@example(
    files=[
        b"---\ntitle: a\x00\nslug: b\n---\nx\x00\n",
        b"---\nket_qua: {ky: {tu: 2021-02-29}}\n---\n",
    ]
)
def test_no_input_crashes_the_build(pipeline, files):
    root, content, pelican, report, built, reader = pipeline
    folder = content / "articles" / "thu"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    paths = []
    for index, raw in enumerate(files):
        path = folder / f"bai-{index}.md"
        path.write_bytes(raw)
        paths.append(path)

    # The editor's check: one file at a time, never an exception.
    for path in paths:
        _body, metadata = reader.read_bytes(path.read_bytes(), str(path))
        for problem in metadata.get(PROBLEMS_KEY, ()):
            assert problem.message != CRASH_MESSAGE, problem.format()

    # `make html` / the live preview: the whole build, then `make check`'s link check.
    pelican.run()
    problems = json.loads(report.read_text(encoding="utf-8"))
    check_output(root / "output", "", "output")
    for problem in problems:
        assert problem["message"] != CRASH_MESSAGE, problem["text"]
        assert not problem["source"].startswith("("), problem["text"]  # Pelican's own error
        assert _vietnamese(problem["message"]), problem["text"]
    for path in paths:
        source = display_path(str(path))
        own = [p for p in problems if p["source"] == source]
        assert str(path) in built or own, f"{source}: neither built nor explained"
        for problem in own:
            assert problem["line"] is not None, problem["text"]
