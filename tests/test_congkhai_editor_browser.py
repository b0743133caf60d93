"""The public notices' forms (bantin_congkhai) in Chromium, against the editor server.

One site (tests/sites/congkhai), one server and one logged-in page for the module, as
tests/test_editor_browser.py does for the posts: a debtor entry written through its form is
saved as exactly what was typed and passes the plugin's judge; entries the judge refuses
(an identity number, a missing decision) are not written and the form says why in
Vietnamese; an auction notice edited in the form changes only its edited line; the forms
carry no English.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
import unicodedata

import pytest
import yaml

from bantin_congkhai.editor import judge
from tests.conftest import SITES, get_settings
from tests.test_admin import _free_port, _wait_for_port, admin_bundle  # noqa: F401
from tests.test_editor_browser import (
    COLLECT,
    ENGLISH,
    _changed_lines,
    _wait_for_change,
    running_editor,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEBTORS = "content/cong-khai/chua-co-dieu-kien"
NOTICE = "content/cong-khai/dau-gia/dau-gia-hien-hanh.yml"


@pytest.fixture(scope="module")
def site(tmp_path_factory, admin_bundle):  # noqa: F811
    """The public notices' test site, its preview build (with the editor) and the server."""
    repo = tmp_path_factory.mktemp("congkhai-editor")
    shutil.copytree(SITES / "congkhai", repo / "content")
    with running_editor(repo, admin_bundle) as base:
        yield base, repo


@pytest.fixture(scope="module")
def page(browser, site):
    base, _ = site
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # After a refused save: leave the entry (accept), and do not bring back the refused text
    # from Decap's local backup when it is opened again (dismiss).
    page.on(
        "dialog",
        lambda dialog: dialog.dismiss() if "sao lưu" in dialog.message else dialog.accept(),
    )
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Bộ sưu tập").wait_for(timeout=30_000)
    page.seen = set()  # the interface's strings, collected on the way for the English scan
    yield page
    context.close()
    # A refused save ends in Decap's own rejected promises ("Object", "undefined"): not errors.
    assert [e for e in errors if e not in ("Object", "undefined")] == []


def _collect(page):
    page.seen.update(page.evaluate(COLLECT))


def _field(page, name, index=0):
    return page.locator(f'[id^="{name}-field-"]').nth(index)


def _choose(page, name, label, index=0):
    """A select field (react-select): open it, click the option."""
    _field(page, name, index).click()
    page.get_by_role("option", name=label, exact=True).click()


def _save(page):
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay").click()


def _judge(repo, path):
    settings = get_settings(PATH=str(repo / "content"))
    return judge(str(path), path.read_text(encoding="utf-8"), settings)


# What staff type for a new debtor (fictional, as the sample content).
DEBTOR = {
    "ho_ten": "Lê Thị Thử Nghiệm",
    "dia_chi": "Số 7 đường Mẫu Bảy, khu vực Thử Nghiệm, phường V",
    "don_vi": "vi-thuy",
    "ban_an": {
        "so": "77/2024/DS-ST",
        "ngay": dt.date(2024, 6, 14),
        "co_quan": "Tòa án nhân dân huyện Vị Thủy",
    },
    "quyet_dinh_thi_hanh": {"so": "88/QĐ-CCTHADS", "ngay": dt.date(2024, 8, 1)},
    "nghia_vu": "Trả cho người được thi hành án số tiền 42.500.000 đồng",
    "so_tien": 42500000,
    "ly_do": "Không có thu nhập ổn định, không có tài sản để thi hành án",
    "quyet_dinh_chua_co_dieu_kien": {"so": "19/QĐ-CCTHADS", "ngay": dt.date(2025, 3, 4)},
    "ngay_dang": dt.date(2025, 3, 6),
}


def _new_debtor(page, base, entry):
    """Open a new debtor's form and type ``entry`` (keys missing from it are left empty)."""
    page.goto(base + "/admin/#/collections/chua_co_dieu_kien")
    page.get_by_text("Nguyễn Văn Mẫu").first.wait_for()
    # An entry not yet published says so in the list (not an empty date).
    page.get_by_text("Trương Văn Chưa Đăng (cuc, chưa đăng)").wait_for()
    _collect(page)
    page.goto(base + "/admin/#/collections/chua_co_dieu_kien/new")
    _field(page, "ho_ten").wait_for()
    for name in ("ho_ten", "dia_chi", "nghia_vu", "ly_do"):
        if name in entry:
            _field(page, name).fill(entry[name])
    if "don_vi" in entry:
        _choose(page, "don_vi", "Chi cục THADS huyện Vị Thủy")
    if "so_tien" in entry:
        _field(page, "so_tien").fill(f"{entry['so_tien']:,}".replace(",", "."))
    # The three decisions, in the form's order: each has «Số» and «Ngày».
    for index, block in enumerate(
        ("ban_an", "quyet_dinh_thi_hanh", "quyet_dinh_chua_co_dieu_kien")
    ):
        if block in entry:
            _field(page, "so", index).fill(entry[block]["so"])
            _field(page, "ngay", index).fill(entry[block]["ngay"].isoformat())
    if "ban_an" in entry:
        _field(page, "co_quan").fill(entry["ban_an"]["co_quan"])
    if "ngay_dang" in entry:
        _field(page, "ngay_dang").fill(entry["ngay_dang"].isoformat())


def _written(repo):
    return sorted((repo / DEBTORS).glob("*.yml"))


def test_new_debtor_written_in_the_form(page, site):
    from playwright.sync_api import expect

    base, repo = site
    before = _written(repo)
    _new_debtor(page, base, DEBTOR)
    expect(_field(page, "so_tien")).to_have_value("42.500.000")
    _collect(page)
    _save(page)
    deadline = time.monotonic() + 30
    while len(_written(repo)) == len(before) and time.monotonic() < deadline:
        time.sleep(0.2)
    (saved,) = set(_written(repo)) - set(before)
    # Decap then opens the saved entry by itself: wait, or it would happen during the next test.
    page.wait_for_url(f"**/#/collections/chua_co_dieu_kien/entries/{saved.stem}")
    # The file name holds no personal data: the year, the unit and the time of writing.
    assert saved.stem.startswith(f"{dt.datetime.now(dt.UTC).year}-vi-thuy-")
    text = saved.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    written = yaml.safe_load(text)
    # Exactly what was typed, dates as dates and the money as a whole number; the blocks left
    # empty (no amendment, no withdrawal) are not written at all (no «sua_doi: []»).
    assert written == DEBTOR
    assert not re.search(r':\s*(\[\]|\{\}|""|\'\')\s*$', text, re.M), text
    assert _judge(repo, saved) == []


def _refused(page, repo, *messages):
    """Save: the editor refuses, says why in Vietnamese, and no file is written."""
    from playwright.sync_api import expect

    before = _written(repo)
    _save(page)
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Chưa lưu")
    # A notice has no draft: the dialog says to fix the fields, not to choose «Bản nháp».
    expect(dialog).to_contain_text("mục được đăng ngay khi lưu được")
    expect(dialog).not_to_contain_text("Bản nháp")
    for message in messages:
        expect(dialog).to_contain_text(message)
    _collect(page)
    dialog.get_by_role("button", name="Đóng").click()
    time.sleep(1)
    assert _written(repo) == before


def test_identity_number_is_refused(page, site):
    from playwright.sync_api import expect

    base, repo = site
    _new_debtor(page, base, {**DEBTOR, "dia_chi": "CCCD 093187004512, Số 7 đường Mẫu Bảy"})
    _refused(
        page,
        repo,
        "Địa chỉ: Có dãy số giống số căn cước, chứng minh nhân dân: không được đăng",
        "xóa số giấy tờ tùy thân",
    )
    # The message is also under the field itself, in its accessible description.
    address = _field(page, "dia_chi")
    expect(address).to_have_accessible_description(re.compile("Có dãy số giống số căn cước"))
    note = page.locator(".bt-field-problem")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("xóa số giấy tờ tùy thân")


def test_date_not_on_the_calendar_is_refused(page, site):
    """30/02 typed into a decision's date: the date box holds no date, the save is refused."""
    from playwright.sync_api import expect

    base, repo = site
    before = _written(repo)
    _new_debtor(page, base, DEBTOR)
    day = _field(page, "ngay", 1)  # the enforcement decision's date
    day.fill("")
    day.click()
    day.press_sequentially(_typed_date(page, day, 2025, 2, 30))
    expect(day).to_have_value("")
    _save(page)
    expect(page.get_by_text("Bạn còn thiếu vài thông tin bắt buộc").last).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Ngày bắt buộc nhập.")).to_have_count(1)
    _collect(page)
    time.sleep(1)
    assert _written(repo) == before


def _typed_date(page, box, year, month, day):
    """The keys for a date in the order the browser's date box asks for them."""
    order = page.evaluate(
        "() => new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2001, 10, 22))"
        ".filter((part) => part.type !== 'literal').map((part) => part.type)"
    )
    parts = {"year": f"{year:04d}", "month": f"{month:02d}", "day": f"{day:02d}"}
    return "".join(parts[name] for name in order)


def test_missing_decision_is_refused(page, site):
    from playwright.sync_api import expect

    base, repo = site
    missing = {k: v for k, v in DEBTOR.items() if k != "quyet_dinh_thi_hanh"}
    before = _written(repo)
    _new_debtor(page, base, missing)
    # The form says the decision is required (the model refuses an entry without it).
    label = page.locator('label[for^="quyet_dinh_thi_hanh-field-"]')
    assert "KHÔNG BẮT BUỘC" not in label.inner_text()
    _save(page)
    # Decap refuses by itself (the block is required): a notice, and the fields it lacks.
    expect(page.get_by_text("Bạn còn thiếu vài thông tin bắt buộc").last).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Số bắt buộc nhập.")).to_have_count(1)
    expect(page.get_by_role("listitem").filter(has_text="Ngày bắt buộc nhập.")).to_have_count(1)
    _collect(page)
    time.sleep(1)
    assert _written(repo) == before


def test_auction_notice_price_changed_in_the_form(page, site):
    from playwright.sync_api import expect

    base, repo = site
    notice = repo / NOTICE
    before = notice.read_bytes()
    page.goto(base + "/admin/#/collections/dau_gia")
    page.get_by_text("Quyền sử dụng đất 250 m²").first.wait_for()
    _collect(page)
    page.goto(base + "/admin/#/collections/dau_gia/entries/dau-gia-hien-hanh")
    price = _field(page, "gia_khoi_diem")
    expect(price).to_have_value("1.250.000.000")  # shown as staff write it
    expect(_field(page, "tai_san")).to_have_value(
        "Quyền sử dụng đất 250 m² thửa số 85, khu vực Thử Nghiệm"
    )
    _collect(page)
    price.fill("")
    price.press_sequentially("1.350.000.000")
    _save(page)
    after = _wait_for_change(notice, before)
    assert _changed_lines(before.decode("utf-8"), after) == (
        ["gia_khoi_diem: 1250000000"],
        ["gia_khoi_diem: 1350000000"],
    )
    assert _judge(repo, notice) == []


def test_no_english_in_the_forms(page, site):
    base, _ = site
    # An amended debtor: its amendments list open.
    page.goto(base + "/admin/#/collections/chua_co_dieu_kien")
    page.goto(base + "/admin/#/collections/chua_co_dieu_kien/entries/2025-vi-thanh-04")
    _field(page, "ho_ten").wait_for()
    page.get_by_role("button", name="Mở ra").first.click()  # its amendments
    page.locator('[id^="noi_dung-field-"]').first.wait_for()
    _collect(page)
    # A new auction notice, its type chosen from the list.
    page.goto(base + "/admin/#/collections/dau_gia")
    page.goto(base + "/admin/#/collections/dau_gia/new")
    _field(page, "loai").click()
    _collect(page)  # the choices, open
    page.get_by_role("option", name="Thông báo đấu giá tài sản", exact=True).click()
    _collect(page)
    english = sorted(
        text
        for text in page.seen
        if ENGLISH.search(text)
        and not re.search(r"\.(jpe?g|png|svg|pdf|yml)\b|^[a-z0-9-]+$", text)
        and not ANNOUNCED.search(text)
    )
    assert english == []
    assert "Trường «Giá khởi điểm»" in page.seen and "Trường «Lý do gỡ»" in page.seen
    # A date's «Bây giờ» button is named after the field's label, not its name (ngay_dang).
    assert "Đặt «Ngày đăng» là thời điểm hiện tại" in page.seen
    assert not [text for text in page.seen if re.search(r"Đặt \S*_", text)]
    # Decap's own words for a block or item without a value name the field in English.
    assert not [text for text in page.seen if re.match(r"No [a-z_]+$", text)]


# What the list of a select field (react-select, inside Decap) announces to a screen reader.
ANNOUNCED = re.compile(r"\b(Use Up and Down|options?\b.*\bselected|results? available)\b")


def test_select_announcements_in_vietnamese(page, site):
    base, _ = site
    page.goto(base + "/admin/#/collections/dau_gia")
    page.goto(base + "/admin/#/collections/dau_gia/new")
    _field(page, "loai").click()
    page.get_by_role("option", name="Thông báo đấu giá tài sản", exact=True).wait_for()
    assert sorted(text for text in page.evaluate(COLLECT) if ANNOUNCED.search(text)) == []


def test_the_duties_due_are_shown_where_staff_write(page, site):
    """The preview build's list of duties due or overdue, as a link in the editor's corner."""
    base, repo = site
    duties = json.loads(
        (repo / "output/cong-khai/viec-can-lam/viec-can-lam.json").read_text(encoding="utf-8")
    )
    assert duties, "the fixture site has duties due (its dates are in the past)"
    page.goto(base + "/admin/#/collections/dau_gia")
    link = page.locator("#bt-admin-duties")
    link.wait_for(state="visible", timeout=15000)
    late = sum(1 for duty in duties if duty["qua_han"])
    assert link.inner_text().startswith(f"Việc công khai đến hạn: {len(duties)}")
    assert (f"({late} quá hạn)" in link.inner_text()) == bool(late)
    assert link.get_attribute("href") == "/cong-khai/viec-can-lam/"
