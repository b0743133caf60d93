"""bantin_congkhai's pure parts: every field rule, working days across Tết, the duties."""

from __future__ import annotations

import datetime as dt

import pytest
from bantin_data.schema import Unit
from hypothesis import given, settings
from hypothesis import strategies as st

from bantin_congkhai.duties import duties, format_report
from bantin_congkhai.model import AUCTION, DEBTOR, AuctionNotice, DebtorEntry, parse_entry
from bantin_congkhai.schema import AUCTION_FIELDS, DEBTOR_FIELDS
from bantin_congkhai.workdays import WorkCalendar
from bantin_frontmatter.fields import FieldContext, FieldSpec, guide_table

D = dt.date
UNITS = {
    "cuc": Unit("Cục Thi hành án dân sự tỉnh Mẫu", "cuc"),
    "vi-thanh": Unit(
        "Chi cục THADS thành phố Vị Thanh", "vi-thanh", tu=D(2009, 10, 1), den=D(2025, 6, 30)
    ),
}

DEBTOR_TEXT = """\
ho_ten: "Trần Văn Mẫu"
dia_chi: "Ấp 1, xã Hỏa Lựu, thành phố Vị Thanh"
don_vi: vi-thanh
ban_an:
  so: "12/2023/DS-ST"
  ngay: 2023-05-10
  co_quan: "Tòa án nhân dân thành phố Vị Thanh"
quyet_dinh_thi_hanh:
  so: "245/QĐ-CCTHADS"
  ngay: 2023-07-01
nghia_vu: "Trả nợ số tiền 120.000.000 đồng"
so_tien: 120000000
ly_do: "Không có thu nhập, không có tài sản để thi hành án"
quyet_dinh_chua_co_dieu_kien:
  so: "15/QĐ-CCTHADS"
  ngay: 2025-03-04
ngay_dang: 2025-03-06
"""

AUCTION_TEXT = """\
loai: dau_gia
don_vi: cuc
quyet_dinh_thi_hanh:
  so: "112/QĐ-CTHADS"
  ngay: 2025-08-12
tai_san: "Quyền sử dụng đất 250 m²"
gia_khoi_diem: 1000000000
tien_dat_truoc: 100000000
xem_tai_san: "Ngày 02/3/2026, tại nơi có tài sản"
han_dang_ky: 2026-03-09 17:00
thoi_gian: 2026-03-12 09:00
dia_diem: "Hội trường"
to_chuc: "Công ty Đấu giá hợp danh Mẫu"
ngay_dang: 2026-02-10
"""


def parse(kind, text, slug="2025-vi-thanh-15"):
    ctx = FieldContext("content", "x.yml", extra={"units": UNITS})
    return parse_entry(kind, text, slug, "content/x.yml", ctx)


def test_a_complete_debtor_entry_reads_into_the_model():
    entry, problems = parse(DEBTOR, DEBTOR_TEXT)
    assert problems == []
    assert isinstance(entry, DebtorEntry)
    assert entry.ho_ten == "Trần Văn Mẫu"
    assert entry.ban_an.co_quan == "Tòa án nhân dân thành phố Vị Thanh"
    assert entry.quyet_dinh_chua_co_dieu_kien.ngay == D(2025, 3, 4)
    assert entry.so_tien == 120_000_000
    assert entry.year == 2025
    assert entry.published_on(D(2025, 3, 6)) and not entry.published_on(D(2025, 3, 5))
    assert not entry.withdrawn


def test_a_complete_auction_notice_reads_into_the_model():
    notice, problems = parse(AUCTION, AUCTION_TEXT, "dau-gia-dat")
    assert problems == []
    assert isinstance(notice, AuctionNotice)
    assert notice.title == "Thông báo đấu giá tài sản: Quyền sử dụng đất 250 m²"
    assert notice.ends == dt.datetime(2026, 3, 12, 9, 0)
    assert not notice.expired_on(D(2026, 3, 12)) and notice.expired_on(D(2026, 3, 13))


def _replace(text, old, new):
    assert old in text, old
    return text.replace(old, new)


# (what the case shows, the file's text, field, line, words the message holds)
DEBTOR_CASES = [
    (
        "name missing",
        _replace(DEBTOR_TEXT, 'ho_ten: "Trần Văn Mẫu"\n', ""),
        "ho_ten",
        None,
        "Thiếu «Họ tên",
    ),
    ("empty name", _replace(DEBTOR_TEXT, '"Trần Văn Mẫu"', '""'), "ho_ten", 1, "Thiếu «Họ tên"),
    (
        "placeholder left",
        _replace(DEBTOR_TEXT, '"Trần Văn Mẫu"', '"CẦN ĐIỀN"'),
        "ho_ten",
        1,
        "CẦN ĐIỀN",
    ),
    (
        "identity number in a text",
        _replace(DEBTOR_TEXT, "Ấp 1,", "CCCD 093201001234, ấp 1,"),
        "dia_chi",
        2,
        "căn cước",
    ),
    (
        "identity number field",
        DEBTOR_TEXT + 'cccd: "093201001234"\n',
        "cccd",
        18,
        "Không đăng số căn cước",
    ),
    ("birth year field", DEBTOR_TEXT + "nam_sinh: 1980\n", "nam_sinh", 18, "Không đăng năm sinh"),
    ("unknown field", DEBTOR_TEXT + "ghi_chu: x\n", "ghi_chu", 18, "Trường không có"),
    ("misspelt field", DEBTOR_TEXT + "ngay_dangg: 2025-03-06\n", "ngay_dangg", 18, "ngay_dang"),
    (
        "unknown unit",
        _replace(DEBTOR_TEXT, "don_vi: vi-thanh", "don_vi: vi-than"),
        "don_vi",
        3,
        "vi-thanh",
    ),
    (
        "unit closed on the decision's day",
        _replace(DEBTOR_TEXT, "ngay: 2025-03-04", "ngay: 2025-07-04").replace(
            "ngay_dang: 2025-03-06", "ngay_dang: 2025-07-07"
        ),
        "don_vi",
        3,
        "không hoạt động vào ngày 04/07/2025",
    ),
    (
        "court missing in the judgment",
        _replace(DEBTOR_TEXT, '  co_quan: "Tòa án nhân dân thành phố Vị Thanh"\n', ""),
        "ban_an.co_quan",
        4,
        "Thiếu «Tòa án",
    ),
    (
        "judgment not a block",
        _replace(DEBTOR_TEXT, "ban_an:\n", 'ban_an: "12"\nx_:\n'),
        "ban_an",
        4,
        "Khối này",
    ),
    (
        "impossible date",
        _replace(DEBTOR_TEXT, "2023-05-10", "2023-02-30"),
        "ban_an.ngay",
        6,
        "30/02/2023",
    ),
    (
        "day-first date",
        _replace(DEBTOR_TEXT, "2023-05-10", '"10/05/2023"'),
        "ban_an.ngay",
        6,
        "không đúng dạng",
    ),
    (
        "implausible year",
        _replace(DEBTOR_TEXT, "2023-05-10", "1923-05-10"),
        "ban_an.ngay",
        6,
        "Năm",
    ),
    (
        "enforcement before the judgment",
        _replace(DEBTOR_TEXT, "ngay: 2023-07-01", "ngay: 2023-04-01"),
        "quyet_dinh_thi_hanh.ngay",
        10,
        "trước ngày",
    ),
    (
        "published before the decision",
        _replace(DEBTOR_TEXT, "ngay_dang: 2025-03-06", "ngay_dang: 2025-03-01"),
        "ngay_dang",
        17,
        "trước ngày",
    ),
    (
        "money with dots",
        _replace(DEBTOR_TEXT, "so_tien: 120000000", "so_tien: 120.000.000"),
        "so_tien",
        12,
        "ghi 120000000",
    ),
    (
        "money as decimal",
        _replace(DEBTOR_TEXT, "so_tien: 120000000", "so_tien: 1.5"),
        "so_tien",
        12,
        "dấu chấm",
    ),
    (
        "negative money",
        _replace(DEBTOR_TEXT, "so_tien: 120000000", "so_tien: -5"),
        "so_tien",
        12,
        "lớn hơn 0",
    ),
    (
        "money as words",
        _replace(DEBTOR_TEXT, "so_tien: 120000000", "so_tien: một trăm"),
        "so_tien",
        12,
        "số tiền",
    ),
    (
        "amendment without what changed",
        DEBTOR_TEXT + "sua_doi:\n  - ngay_thay_doi: 2025-05-02\n",
        "sua_doi[1].noi_dung",
        19,
        "Thiếu «Nội dung",
    ),
    (
        "amended before the change",
        DEBTOR_TEXT
        + 'sua_doi:\n  - ngay_thay_doi: 2025-05-02\n    noi_dung: "x"\n    ngay_sua: 2025-05-01\n',
        "sua_doi[1].ngay_sua",
        21,
        "trước ngày chi tiết thay đổi",
    ),
    (
        "amendment without the day it changed",
        DEBTOR_TEXT + 'sua_doi:\n  - noi_dung: "x"\n    ngay_sua: 2025-05-01\n',
        "sua_doi[1].ngay_thay_doi",
        19,
        "Thiếu «Ngày chi tiết thay đổi»",
    ),
    ("amendments not a list", DEBTOR_TEXT + "sua_doi: 2025-05-02\n", "sua_doi", 18, "danh sách"),
    (
        "withdrawal reason not in the list",
        DEBTOR_TEXT
        + "thu_hoi:\n  ly_do: da tra\n  ngay_phat_sinh: 2025-06-05\n  ngay: 2025-06-09\n",
        "thu_hoi.ly_do",
        19,
        "da_thi_hanh_xong",
    ),
    (
        "withdrawn before paying",
        DEBTOR_TEXT
        + "thu_hoi:\n  ly_do: co_dieu_kien\n  ngay_phat_sinh: 2025-06-05\n  ngay: 2025-06-01\n",
        "thu_hoi.ngay",
        21,
        "trước ngày",
    ),
    (
        "withdrawal without its day",
        DEBTOR_TEXT + "thu_hoi:\n  ly_do: khac\n  ngay_phat_sinh: 2025-06-05\n",
        "thu_hoi.ngay",
        18,
        "Thiếu «Ngày gỡ»",
    ),
    (
        "YAML syntax",
        _replace(DEBTOR_TEXT, 'ly_do: "Không', 'ly_do: Không: "'),
        "",
        13,
        "dấu hai chấm",
    ),
]


@pytest.mark.parametrize(
    ("text", "field", "line", "words"),
    [c[1:] for c in DEBTOR_CASES],
    ids=[c[0] for c in DEBTOR_CASES],
)
def test_each_debtor_rule_names_file_line_and_field(text, field, line, words):
    entry, problems = parse(DEBTOR, text)
    assert entry is None
    matching = [p for p in problems if p.field == field]
    assert matching, [p.format() for p in problems]
    problem = matching[0]
    assert words in problem.format()
    assert problem.source == "content/x.yml"
    assert problem.line == line


def test_every_problem_of_a_file_is_reported_not_the_first_only():
    text = DEBTOR_TEXT.replace("so_tien: 120000000", "so_tien: 1.000").replace(
        "vi-thanh\n", "vi-than\n"
    )
    _entry, problems = parse(DEBTOR, text + "cmnd: 1\n")
    assert {p.field for p in problems} == {"so_tien", "don_vi", "cmnd"}


def test_a_file_named_after_the_person_is_refused():
    _entry, problems = parse(DEBTOR, DEBTOR_TEXT, slug="tran-van-mau")
    assert ["Tên tệp chứa họ tên" in p.message for p in problems] == [True]
    _entry, problems = parse(DEBTOR, DEBTOR_TEXT, slug="Tran_Van")
    assert any("chữ thường không dấu" in p.message for p in problems)


AUCTION_CASES = [
    ("type missing", _replace(AUCTION_TEXT, "loai: dau_gia\n", ""), "loai", None, "Thiếu «Loại"),
    (
        "type unknown",
        _replace(AUCTION_TEXT, "loai: dau_gia", "loai: dau-gia"),
        "loai",
        1,
        "dau_gia",
    ),
    (
        "price missing",
        _replace(AUCTION_TEXT, "gia_khoi_diem: 1000000000\n", ""),
        "gia_khoi_diem",
        None,
        "Thiếu «Giá",
    ),
    (
        "deposit below 5 %",
        _replace(AUCTION_TEXT, "tien_dat_truoc: 100000000", "tien_dat_truoc: 40000000"),
        "tien_dat_truoc",
        8,
        "5 % đến 20 %",
    ),
    (
        "deposit above 20 %",
        _replace(AUCTION_TEXT, "tien_dat_truoc: 100000000", "tien_dat_truoc: 250000000"),
        "tien_dat_truoc",
        8,
        "5 % đến 20 %",
    ),
    (
        "auction field missing",
        _replace(AUCTION_TEXT, 'to_chuc: "Công ty Đấu giá hợp danh Mẫu"\n', ""),
        "to_chuc",
        None,
        "Thiếu «Tổ chức",
    ),
    (
        "selection field on an auction",
        AUCTION_TEXT + 'noi_nop: "Cục"\n',
        "noi_nop",
        15,
        "chỉ dùng cho",
    ),
    (
        "registration after the auction",
        _replace(AUCTION_TEXT, "2026-03-09 17:00", "2026-03-13 17:00"),
        "thoi_gian",
        11,
        "trước ngày",
    ),
    (
        "time not on the clock",
        _replace(AUCTION_TEXT, "2026-03-12 09:00", "2026-03-12 25:00"),
        "thoi_gian",
        11,
        "Giờ 25:00",
    ),
    (
        "result without its content",
        AUCTION_TEXT + "ket_qua:\n  ngay: 2026-03-12\n",
        "ket_qua.noi_dung",
        15,
        "Thiếu «Nội dung»",
    ),
]


@pytest.mark.parametrize(
    ("text", "field", "line", "words"),
    [c[1:] for c in AUCTION_CASES],
    ids=[c[0] for c in AUCTION_CASES],
)
def test_each_auction_rule_names_file_line_and_field(text, field, line, words):
    notice, problems = parse(AUCTION, text, "dau-gia-dat")
    assert notice is None
    matching = [p for p in problems if p.field == field]
    assert matching, [p.format() for p in problems]
    assert words in matching[0].format()
    assert matching[0].line == line


def test_selection_notice_needs_its_own_fields():
    text = "loai: lua_chon\n" + AUCTION_TEXT.split("\n", 1)[1]
    _notice, problems = parse(AUCTION, text, "lua-chon")
    fields = {p.field for p in problems}
    assert {"tieu_chi", "noi_nop", "han_nop"} <= fields
    assert {"tien_dat_truoc", "thoi_gian"} <= fields  # the auction's own, refused here


def test_staff_guide_tables_agree_with_the_field_descriptions():
    from bantin_congkhai.guide import GUIDE, render, specs_of

    text = GUIDE.read_text(encoding="utf-8")
    assert render(text) == text, "run .venv/bin/python -m bantin_congkhai.guide"
    for name in ("chua-co-dieu-kien", "dau-gia", "chua-co-dieu-kien.thu_hoi"):
        assert f"<!-- bang-truong-cong-khai: {name} -->" in text
    rows = dict((n, s.required_when()) for n, s in specs_of("chua-co-dieu-kien"))
    assert rows["ho_ten"] == "Bắt buộc" and rows["so_tien"] == "Không bắt buộc"
    assert all(isinstance(spec, FieldSpec) and spec.label for _n, spec in AUCTION_FIELDS)
    assert len(guide_table(DEBTOR_FIELDS).splitlines()) == len(DEBTOR_FIELDS) + 2


# --- working days ---------------------------------------------------------------------------

CALENDAR = WorkCalendar()

# (start, working days, the day they end on): real dates around Tết and the spring holidays.
WORKDAY_CASES = [
    (D(2025, 1, 24), 1, D(2025, 2, 3)),  # Friday before Tết 2025 (27/01 – 01/02 off)
    (D(2025, 1, 24), 5, D(2025, 2, 7)),
    (D(2025, 1, 23), 2, D(2025, 2, 3)),
    (D(2026, 2, 13), 1, D(2026, 2, 23)),  # Tết 2026: 16/02 – 20/02 off
    (D(2026, 2, 13), 5, D(2026, 2, 27)),
    (D(2026, 2, 12), 5, D(2026, 2, 26)),
    (D(2025, 4, 25), 1, D(2025, 4, 26)),  # Saturday 26/04/2025 worked for the bridge day 02/05
    (D(2025, 4, 29), 1, D(2025, 5, 5)),  # 30/04, 01/05, 02/05 off, then the weekend
    (D(2025, 8, 29), 1, D(2025, 9, 3)),  # National Day 01–02/09/2025
    (D(2025, 3, 7), 3, D(2025, 3, 12)),  # an ordinary week
]


@pytest.mark.parametrize(("start", "count", "end"), WORKDAY_CASES)
def test_working_days_skip_weekends_and_vietnamese_holidays(start, count, end):
    assert CALENDAR.add_working_days(start, count) == end
    assert CALENDAR.working_days_between(start, end) == count
    assert CALENDAR.working_days_between(end, start) == -count


def test_lunar_new_year_is_named_in_vietnamese():
    assert "Tết" in CALENDAR.holiday_name(D(2026, 2, 17))
    assert CALENDAR.holiday_name(D(2026, 2, 23)) is None


def test_the_office_adds_its_own_days_off():
    office = WorkCalendar.with_days_off([D(2025, 3, 10)])
    assert office.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 11)
    assert office.holiday_name(D(2025, 3, 10)) == "Ngày nghỉ của cơ quan"
    assert CALENDAR.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)


# --- duties -----------------------------------------------------------------------------------


def _debtor(**changes) -> DebtorEntry:
    entry, problems = parse(DEBTOR, DEBTOR_TEXT)
    assert problems == []
    return entry.__class__(**{**entry.__dict__, **changes})


def test_duties_across_tet_2026_with_working_days_left():
    decided = _debtor().quyet_dinh_chua_co_dieu_kien.__class__("1/QĐ", D(2026, 2, 12))
    unpublished = _debtor(quyet_dinh_chua_co_dieu_kien=decided, ngay_dang=None, source="a.yml")
    amendment = _debtor().sua_doi  # none
    assert amendment == ()
    found = duties([unpublished], D(2026, 2, 23), CALENDAR)
    assert [(d.action, d.due, d.days_left) for d in found] == [("dang", D(2026, 2, 26), 3)]
    assert found[0].when == "còn 3 ngày làm việc"
    late = duties([unpublished], D(2026, 3, 2), CALENDAR)[0]
    assert (late.days_left, late.overdue, late.when) == (-2, True, "quá hạn 2 ngày làm việc")
    assert duties([unpublished], D(2026, 2, 26), CALENDAR)[0].when == "hạn là hôm nay"
    report = format_report(late and [late], D(2026, 3, 2))
    assert "1 việc QUÁ HẠN" in report
    assert "QUÁ HẠN: Đăng «Trần Văn Mẫu» (a.yml): hạn 26/02/2026, quá hạn 2 ngày làm việc" in report


def test_deadlines_follow_the_site_settings():
    entry = _debtor(ngay_dang=None)
    found = duties([entry], D(2025, 3, 4), CALENDAR, {"dang": 10})
    assert found[0].due == D(2025, 3, 18)
    assert found[0].limit == 10


def test_a_withdrawn_entry_is_listed_until_its_deadline_without_the_name():
    from bantin_congkhai.model import Withdrawal

    entry = _debtor(thu_hoi=Withdrawal("da_thi_hanh_xong", D(2026, 2, 12), D(2026, 2, 13)))
    (duty,) = duties([entry], D(2026, 2, 23), CALENDAR)
    assert (duty.action, duty.due, duty.days_left) == ("go", D(2026, 2, 24), 1)
    assert "Trần Văn Mẫu" not in duty.format()
    assert duties([entry], D(2026, 2, 25), CALENDAR) == []


def test_an_expired_notice_without_its_result_is_due():
    notice, _ = parse(AUCTION, AUCTION_TEXT, "dau-gia-dat")
    assert duties([notice], D(2026, 3, 12), CALENDAR) == []
    (duty,) = duties([notice], D(2026, 3, 16), CALENDAR)
    assert (duty.action, duty.due, duty.days_left) == ("ket_qua", D(2026, 3, 17), 1)
    with_result, _ = parse(
        AUCTION, AUCTION_TEXT + 'ket_qua:\n  ngay: 2026-03-12\n  noi_dung: "Thành"\n', "x"
    )
    assert duties([with_result], D(2026, 4, 1), CALENDAR) == []
    assert (
        format_report([], D(2026, 4, 1))
        == "Việc công khai: không có việc đến hạn (ngày 01/04/2026)."
    )


def test_settings_written_wrong_are_problems_naming_the_setting():
    from bantin_congkhai import calendar_of, check_settings

    settings = {
        "BANTIN_CONGKHAI_NGAY_NGHI": ["27/10/2025", "2025-10-28"],
        "BANTIN_CONGKHAI_HAN": {"dang": 0, "xoa": 3, "sua": 3},
        "BANTIN_CONGKHAI_HOM_NAY": "hôm nay",
    }
    problems = check_settings(settings)
    assert [(p.source, p.field) for p in problems] == [
        ("pelicanconf.py", "BANTIN_CONGKHAI_NGAY_NGHI"),
        ("pelicanconf.py", "BANTIN_CONGKHAI_HAN"),
        ("pelicanconf.py", "BANTIN_CONGKHAI_HAN"),
        ("pelicanconf.py", "BANTIN_CONGKHAI_HOM_NAY"),
    ]
    assert "'27/10/2025'" in problems[0].format()
    assert calendar_of(settings).days_off == frozenset({D(2025, 10, 28)})
    assert check_settings({}) == []


def test_fields_left_empty_by_a_form_count_as_not_written():
    text = DEBTOR_TEXT + "sua_doi: []\n"
    text += 'thu_hoi:\n  ly_do: ""\n  ngay_phat_sinh: ""\n  ngay:\n'
    entry, problems = parse(DEBTOR, text.replace("so_tien: 120000000", 'so_tien: ""'))
    assert problems == []
    assert entry.so_tien is None and entry.thu_hoi is None and entry.sua_doi == ()


def test_editor_forms_are_made_from_the_same_field_descriptions():
    from bantin_congkhai.editor import collections, judge
    from tests.conftest import SITES, get_settings

    settings = get_settings(PATH=str(SITES / "congkhai"))
    debtors, notices = collections(settings)
    assert (debtors["folder"], debtors["extension"]) == (
        "content/cong-khai/chua-co-dieu-kien",
        "yml",
    )
    fields = {f["name"]: f for f in debtors["fields"]}
    assert list(fields) == [name for name, _spec in DEBTOR_FIELDS]
    assert fields["ho_ten"]["required"] and not fields["so_tien"]["required"]
    assert fields["so_tien"]["widget"] == "vi_number" and fields["so_tien"]["kind"] == "money"
    assert [o["value"] for o in fields["don_vi"]["options"]] == ["cuc", "vi-thanh", "vi-thuy"]
    assert [f["name"] for f in fields["thu_hoi"]["fields"]] == ["ly_do", "ngay_phat_sinh", "ngay"]
    assert "ho_ten" not in debtors["slug"]  # a file is never named after the person
    assert {f["name"] for f in notices["fields"]} >= {"loai", "han_nop", "thoi_gian", "ket_qua"}
    path = str(SITES / "congkhai/cong-khai/chua-co-dieu-kien/2026-cuc-07.yml")
    problems = judge(path, DEBTOR_TEXT.replace("vi-thanh\n", "vi-than\n"), settings)
    assert [(p.line, p.field) for p in problems] == [(3, "don_vi")]
    assert problems[0].source.endswith("cong-khai/chua-co-dieu-kien/2026-cuc-07.yml")


def test_list_groups_units_in_data_order_years_newest_first_names_vietnamese_order():
    from bantin_congkhai import group_by_unit_year

    decision = _debtor().quyet_dinh_chua_co_dieu_kien
    earlier = decision.__class__("2/QĐ", D(2024, 5, 6))
    entries = [
        _debtor(ho_ten="Đỗ Văn Mẫu"),
        _debtor(ho_ten="Dương Thị Thử"),
        _debtor(ho_ten="Bùi Văn Ví Dụ"),
        _debtor(ho_ten="Ấn Văn Mẫu", quyet_dinh_chua_co_dieu_kien=earlier),
        _debtor(ho_ten="Cao Văn Mẫu", don_vi="cuc"),
    ]
    groups = group_by_unit_year(entries, UNITS)
    shown = [(u.ma, [(y, [e.ho_ten for e in es]) for y, es in years]) for u, years in groups]
    assert shown == [
        ("cuc", [(2025, ["Cao Văn Mẫu"])]),
        (
            "vi-thanh",
            [(2025, ["Bùi Văn Ví Dụ", "Dương Thị Thử", "Đỗ Văn Mẫu"]), (2024, ["Ấn Văn Mẫu"])],
        ),
    ]


def test_the_build_day_is_fixed_at_the_start_and_renders_pages_again_the_next_day():
    from types import SimpleNamespace

    from bantin_build.fingerprint import build_digest
    from bantin_congkhai import BUILD_DAY, fix_the_day, today_of
    from tests.conftest import SITES, get_settings

    days = []
    for written in ("2026-02-23", "2026-02-24"):
        settings = get_settings(PATH=str(SITES / "congkhai"), BANTIN_CONGKHAI_HOM_NAY=written)
        fix_the_day(SimpleNamespace(settings=settings))
        assert settings[BUILD_DAY] == written
        settings["BANTIN_CONGKHAI_HOM_NAY"] = ""  # from now on the build's own day is used
        assert today_of(settings) == D.fromisoformat(written)
        days.append(build_digest(settings))
    assert days[0] != days[1]  # every page cached yesterday is rendered again today


def test_details_a_shown_entry_shares_are_no_trace_of_a_withdrawn_one(tmp_path):
    from bantin_congkhai.model import Withdrawal
    from bantin_congkhai.notrace import check_output

    withdrawn = _debtor(thu_hoi=Withdrawal("khac", D(2025, 6, 5), D(2025, 6, 6)))
    co_debtor = _debtor(ho_ten="Trần Thị Cùng Án", dia_chi="Ấp 2, xã Mẫu", slug="2025-x-2")
    (tmp_path / "index.html").write_text(
        "<p>Trần Thị Cùng Án, Ấp 2, xã Mẫu, bản án 12/2023/DS-ST, 245/QĐ-CCTHADS</p>",
        encoding="utf-8",
    )
    # The judgment and enforcement decision numbers are the co-debtor's too: still public.
    assert check_output(tmp_path, [withdrawn, co_debtor]) == []
    (tmp_path / "x.html").write_text("Ấp 1, xã Hỏa Lựu, thành phố Vị Thanh", encoding="utf-8")
    (problem,) = check_output(tmp_path, [withdrawn, co_debtor])
    assert problem.found == "«Ấp 1, xã Hỏa Lựu, thành phố Vị Thanh»"
    assert check_output(tmp_path, [withdrawn]) != []


def test_an_auction_of_the_persons_asset_keeps_its_details_public(tmp_path):
    from bantin_congkhai.model import Withdrawal
    from bantin_congkhai.notrace import check_output

    withdrawn = _debtor(thu_hoi=Withdrawal("khac", D(2025, 6, 5), D(2025, 6, 6)))
    text = AUCTION_TEXT.replace("112/QĐ-CTHADS", "245/QĐ-CCTHADS").replace(
        "Quyền sử dụng đất 250 m²", "Nhà tại Ấp 1, xã Hỏa Lựu, thành phố Vị Thanh"
    )
    notice, problems = parse(AUCTION, text, "dau-gia")
    assert problems == []
    (tmp_path / "a.html").write_text(
        "Nhà tại Ấp 1, xã Hỏa Lựu, thành phố Vị Thanh; 245/QĐ-CCTHADS", encoding="utf-8"
    )
    assert check_output(tmp_path, [withdrawn, notice]) == []
    # A number is never taken for part of a longer one.
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "b.html").write_text("15/QĐ-CCTHADS", encoding="utf-8")
    other, _ = parse(AUCTION, AUCTION_TEXT.replace("112/QĐ-CTHADS", "115/QĐ-CCTHADS"), "x")
    found = [p.found for p in check_output(tmp_path / "b", [withdrawn, other])]
    assert found == ["«15/QĐ-CCTHADS»"]


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)),
    count=st.integers(min_value=1, max_value=25),
)
def test_working_days_arithmetic_agrees_with_itself(start, count):
    end = CALENDAR.add_working_days(start, count)
    assert CALENDAR.is_working_day(end)
    assert CALENDAR.working_days_between(start, end) == count
    assert CALENDAR.working_days_between(start, end - dt.timedelta(days=1)) == count - 1
    skipped = [
        start + dt.timedelta(days=n)
        for n in range(1, (end - start).days)
        if not CALENDAR.is_working_day(start + dt.timedelta(days=n))
    ]
    assert all(day.weekday() >= 5 or CALENDAR.holiday_name(day) for day in skipped)


@pytest.mark.parametrize("suffix", [".html", ".html.gz", ".html.br", ".pf_fragment"])
def test_a_withdrawn_name_is_found_in_plain_and_compressed_files(tmp_path, suffix):
    import gzip

    import brotli

    from bantin_congkhai.model import Withdrawal
    from bantin_congkhai.notrace import check_output

    withdrawn = _debtor(thu_hoi=Withdrawal("khac", D(2025, 6, 5), D(2025, 6, 6)))
    data = "<p>Trần Văn Mẫu</p>".encode()
    if suffix.endswith(".br"):
        data = brotli.compress(data)
    elif suffix != ".html":
        data = gzip.compress(b"pagefind_dcd" + data)
    (tmp_path / f"page{suffix}").write_bytes(data)
    (problem,) = check_output(tmp_path, [withdrawn])
    assert problem.found == "«Trần Văn Mẫu»" and f"page{suffix}" in problem.message
