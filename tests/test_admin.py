"""The web editor's configuration (/admin/, Decap CMS): every form field made from the one
schema, fields required with another not marked optional, preview links from the site's URLs,
collections following the settings. The editor in a browser: tests/test_editor_browser.py."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time

import pytest

from bantin_editor.admin import NUMBER_TYPING, editor_config, editor_hint, editor_styles
from bantin_frontmatter.fields import schema
from tests.conftest import ROOT, SITES, get_settings


def _collections(config):
    return {c["name"]: c for c in config["collections"]}


def _fields(collection):
    return {f["name"]: f for f in collection["fields"]}


def test_config_follows_the_site_settings(tmp_path):
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    settings = get_settings(
        PATH=str(content),
        BANTIN_CATEGORIES=["Tin tức", "Thông báo mới", "Văn bản"],
        BANTIN_ANNOUNCEMENT_CATEGORY="Thông báo mới",
        BANTIN_DECAP_SERVER="http://127.0.0.1:9999/api/v1",
    )
    config = editor_config(settings)
    assert config["locale"] == "vi"
    assert config["local_backend"] == {"url": "http://127.0.0.1:9999/api/v1"}
    assert config["media_folder"] == "content/images"
    assert config["public_folder"] == "images"
    assert "_fields" not in config and "_media" not in config
    collections = _collections(config)
    assert {"tin", "thong_bao", "van_ban", "trang"} <= set(collections)
    articles = _fields(collections["tin"])
    assert articles["category"]["options"] == ["Tin tức", "Thông báo mới", "Văn bản"]
    assert collections["tin"]["folder"] == "content/articles"
    assert collections["tin"]["format"] == "bantin-frontmatter"
    # Photos into content/images/, not beside the post (Decap's default for nested folders).
    assert collections["tin"]["media_folder"] == "/content/images"
    assert collections["tin"]["public_folder"] == "images"
    assert collections["thong_bao"]["filter"] == {"field": "category", "value": "Thông báo mới"}
    assert _fields(collections["thong_bao"])["category"]["default"] == "Thông báo mới"
    document = _fields(_fields(collections["van_ban"])["van_ban"])
    assert document["tep"]["media_folder"] == "/content/documents"
    assert document["tep"]["public_folder"] == "documents"
    # Every field the strict reader requires is a required form field.
    for name in ("title", "date", "category", "slug"):
        assert articles[name].get("required", True) is True


def test_public_notice_collections_follow_their_plugin(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "basic", content)
    names = set(_collections(editor_config(get_settings(PATH=str(content)))))
    assert {"chua_co_dieu_kien", "dau_gia"} <= names
    plugins = [p for p in get_settings(PATH=str(content))["PLUGINS"] if p != "bantin_congkhai"]
    without = _collections(editor_config(get_settings(PATH=str(content), PLUGINS=plugins)))
    assert set(without) == {"tin", "thong_bao", "van_ban", "trang"}
    notices = _collections(editor_config(get_settings(PATH=str(content))))["dau_gia"]
    assert notices["folder"] == "content/cong-khai/dau-gia"


def test_config_without_announcements_drops_that_collection(tmp_path):
    settings = get_settings(PATH=str(tmp_path), BANTIN_ANNOUNCEMENT_CATEGORY="")
    assert "thong_bao" not in _collections(editor_config(settings))


def test_config_with_a_git_server_backend(tmp_path):
    gitea = {
        "name": "gitea",
        "repo": "van-phong/trang-tin",
        "app_id": "abc",
        "base_url": "https://git.example.org",
        "api_root": "https://git.example.org/api/v1",
    }
    config = editor_config(get_settings(PATH=str(tmp_path), BANTIN_ADMIN_BACKEND=gitea))
    assert config["backend"] == gitea
    assert "local_backend" not in config


def _check_field(field, spec, *, required, condition, where):
    """One form field against its schema entry; recurses into blocks."""
    assert field["label"] == spec.label, where
    assert "bắt buộc" not in field["label"].lower(), where  # Decap adds its own mark
    assert field["required"] is required, where
    assert field.get("hint", "") == editor_hint(spec, condition), where
    assert field.get("pattern", []) == list(spec.pattern), where
    if spec.widget == "number":
        assert (field["widget"], field["kind"]) == ("vi_number", spec.number), where
    elif spec.widget in ("date", "datetime"):
        assert field["widget"] == "datetime", where
        assert (field["time_format"] is False) == (spec.widget == "date"), where
    elif spec.widget != "select" or spec.choices:
        assert field["widget"] == spec.widget, where
    if spec.choices:
        assert field["options"] == [{"label": lb, "value": v} for v, lb in spec.choices], where
    assert [f["name"] for f in field.get("fields", ())] == [n for n, _ in spec.subfields], where
    within = required or spec.repeated
    for sub, (name, sub_spec) in zip(field.get("fields", ()), spec.subfields, strict=True):
        inner = condition or f"Bắt buộc khi có «{spec.label}»"
        _check_field(
            sub,
            sub_spec,
            required=within and sub_spec.required,
            condition=None if within or not sub_spec.required else inner,
            where=f"{where}.{name}",
        )


def test_editor_form_is_the_schema(tmp_path):
    """Every field of every collection: the schema's label, hint, pattern, choices, number
    kind, and when it is required; fields required only when another is there are not
    required by Decap (it could not say when) and their hint says when instead."""
    config = editor_config(get_settings(PATH=str(tmp_path)))
    specs = schema()
    for collection in config["collections"]:
        if collection["name"] not in ("tin", "thong_bao", "van_ban", "trang"):
            continue  # public notices: their own descriptions (tests/test_congkhai*.py)
        kind = "page" if collection["name"] == "trang" else "article"
        for field in collection["fields"]:
            where = f"{collection['name']}.{field['name']}"
            if field["name"] == "body":
                assert field["widget"] == "markdown"
                continue
            spec = specs[field["name"]]
            assert kind in spec.kinds, where
            required = kind in spec.required_for or where == "van_ban.van_ban"
            condition = None
            if spec.required_with and not required:
                condition = f"Bắt buộc khi có «{specs[spec.required_with].label}»"
            _check_field(field, spec, required=required, condition=condition, where=where)
    # Every field staff write in an article is in the Tin bài form (van_ban has its own).
    offered = {f["name"] for f in _fields(_collections(config)["tin"]).values()}
    wanted = {n for n, s in specs.items() if "article" in s.kinds and s.widget != "hidden"}
    assert wanted - offered == {"van_ban"}
    # The same descriptions make the staff guide's tables (tests/test_schema.py checks them).
    guide = (ROOT / "docs/huong-dan-viet-bai.md").read_text(encoding="utf-8")
    for name in ("title", "image_alt", "slug"):
        assert f"| `{name}` | {specs[name].label} | {specs[name].required_when()} |" in guide


def _number_fields(fields, specs):
    """(form field, schema entry) of every number field, blocks and lists included."""
    for field in fields:
        spec = specs.get(field["name"])
        if spec is None:
            continue
        if spec.widget == "number":
            yield field, spec
        yield from _number_fields(field.get("fields", ()), dict(spec.subfields))


def test_number_hints_say_how_to_type_in_the_number_box(tmp_path):
    """The schema's hint tells how to write a figure in the file («viết liền: 2073», «37,10%
    ghi 37.10»); the number box reads «2.073» and «37,10», so the form says how to type it, by
    the number's kind, and keeps the rest of what the schema says; the examples it gives are
    read by admin/numbers.js as the numbers they show."""
    from bantin_congkhai.schema import AUCTION_FIELDS, DEBTOR_FIELDS

    content = tmp_path / "content"
    shutil.copytree(SITES / "basic", content)
    config = editor_config(get_settings(PATH=str(content)))
    own = {"chua_co_dieu_kien": dict(DEBTOR_FIELDS), "dau_gia": dict(AUCTION_FIELDS)}
    seen = {}
    hints = {}
    for collection in config["collections"]:
        specs = own.get(collection["name"], schema())
        for field, spec in _number_fields(collection["fields"], specs):
            where = f"{collection['name']}.{field['name']}"
            kind = spec.number or "count"
            typing = NUMBER_TYPING[kind]
            parts = field["hint"].split("; ")
            assert typing in parts, where
            # What the schema says the field means is kept, in order; nothing on writing the
            # figure by hand is left («viết liền: 2073», «ghi 37.10», «giảm ghi số âm»).
            kept = [p.strip() for p in spec.hint.split(";") if p.strip()]
            kept = [p for p in kept if not re.search(r"\bviết\b|\bghi\b", p)]
            assert parts[parts.index(typing) + 1 :] == kept, where
            rest = field["hint"].replace(typing, "")
            assert not re.search(r"\bviết\b|\bghi\b", rest), where
            seen[kind] = typing
            hints[where] = field["hint"]
    assert set(seen) == set(NUMBER_TYPING)
    assert "37,10 hoặc 37.10" in seen["percent"] and "75.683.482.000" in seen["money"]
    assert "-12 khi giảm" in seen["signed"]
    assert hints["tin.ty_le"].endswith("không gõ dấu %: 37,10 hoặc 37.10; có thể bỏ, trang tự tính")
    assert hints["dau_gia.tien_dat_truoc"].endswith(
        "; từ 5 % đến 20 % giá khởi điểm; chỉ với thông báo đấu giá"
    )
    # Every figure shown in the hints, typed into the number box of its kind, is accepted as
    # the number it shows («2.073» and «2073» both 2073).
    examples = [
        (kind, text)
        for kind, typing in NUMBER_TYPING.items()
        for text in re.findall(r"-?\d[\d.,]*\d|-?\d", typing)
    ]
    script = (
        "import { parseNumber } from './admin/numbers.js';"
        "const cases = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(cases.map(([k, t]) => parseNumber(t, k))));"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(examples)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    read = json.loads(result.stdout)
    for (kind, text), parsed in zip(examples, read, strict=True):
        assert parsed["ok"], (kind, text, parsed)
        shown = float(text.replace(".", "").replace(",", ".")) if kind != "percent" else None
        if shown is not None:
            assert parsed["value"] == shown, (kind, text)
        else:
            assert parsed["value"] == 37.1, (kind, text)


def test_fields_required_when_another_is_there_are_not_marked_optional(tmp_path):
    config = editor_config(get_settings(PATH=str(tmp_path)))
    article = _fields(_collections(config)["tin"])
    assert article["image_alt"]["required"] is False
    assert article["image_alt"]["hint"].startswith("Bắt buộc khi có «Ảnh đại diện»; ")
    results = _fields(article["ket_qua"])
    assert _fields(results["viec"])["giai_quyet_xong"]["hint"].startswith(
        "Bắt buộc khi có «Kết quả thi hành án»; "
    )
    assert _fields(results["tien"])["giai_quyet_xong"]["hint"].startswith(
        "Bắt buộc khi có «Về tiền»; "
    )
    assert _fields(results["ky"])["tu"]["hint"].startswith("Bắt buộc khi có «Kết quả thi hành án»")
    # In a unit of the list the unit is there: Decap requires its name and figures itself.
    unit = _fields(results["don_vi"])
    assert unit["ten"]["required"] is True and unit["viec"]["required"] is True
    assert _fields(unit["viec"])["giai_quyet_xong"]["required"] is True
    # The page hides Decap's «(không bắt buộc)» mark on exactly those fields; a name hidden
    # there is never a plainly optional field elsewhere.
    css = editor_styles(config)
    hidden = set(re.findall(r'label\[for\^="([a-z_]+)-field-"\] > span', css))
    assert {"image_alt", "ky", "tu", "den", "viec", "giai_quyet_xong"} <= hidden
    assert "tien" not in hidden and "image" not in hidden

    def plainly_optional(fields):
        for field in fields:
            if field.get("required") is False and not field.get("hint", "").startswith("Bắt"):
                yield field["name"]
            yield from plainly_optional(field.get("fields", ()))

    for collection in config["collections"]:
        assert not hidden & set(plainly_optional(collection["fields"])), collection["name"]


def test_preview_links_follow_the_site_urls(tmp_path):
    config = editor_config(
        get_settings(PATH=str(tmp_path), ARTICLE_URL="tin/{date:%Y}/{date:%m}/{slug}.html")
    )
    collections = _collections(config)
    assert collections["tin"]["preview_path"] == "tin/{{year}}/{{month}}/{{fields.slug}}.html"
    assert collections["tin"]["preview_path_date_field"] == "date"
    assert collections["trang"]["preview_path"] == "{{fields.slug}}/"


# --- The editor in a browser against the editor server (bantin_editor.server) ------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"the editor server did not start on port {port}")


@pytest.fixture(scope="session")
def admin_bundle(tmp_path_factory):
    """The editor bundle, built from node_modules as `make admin` builds it."""
    if not (ROOT / "node_modules/decap-cms-app").exists():
        pytest.fail("node_modules is missing: `make node-deps` installs decap-cms-app")
    bundle = tmp_path_factory.mktemp("admin") / "bantin-admin.js"
    result = subprocess.run(
        ["node", "admin/build.mjs", str(bundle)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return bundle


def test_lists_start_empty_and_optional_dates_blank():
    """One rule in decap_field for every collection, the notices' too: a list starts with no
    item (an item made of its sub-fields' defaults, an empty date, would block the save) and an
    optional date starts blank (not today's date)."""
    settings = get_settings(PATH=str(SITES / "congkhai"))
    settings["PLUGINS"] = [*settings.get("PLUGINS", ()), "bantin_congkhai"]
    config = editor_config(settings)
    names = {collection["name"] for collection in config["collections"]}
    assert {"tin", "chua_co_dieu_kien", "dau_gia"} <= names

    def walk(fields):
        for field in fields:
            yield field
            yield from walk(field.get("fields", ()))

    lists = []
    for collection in config["collections"]:
        for field in walk(collection["fields"]):
            if field["widget"] == "list":
                lists.append(field["name"])
                assert field["default"] == [], (collection["name"], field["name"])
            elif field["widget"] == "datetime" and not field["required"]:
                assert field["default"] == "", (collection["name"], field["name"])
    assert {"don_vi", "sua_doi"} <= set(lists)
