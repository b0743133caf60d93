"""The web editor (Decap CMS) at ``/admin/`` of the live preview, and the staff guide beside it.

``admin/config.yml`` is the source; :func:`editor_config` fills in what comes from the site: the
category lists, the local ``decap-server`` address, the content folder, and the ``ket_qua``
form, built from the same names and labels the results model uses so the two cannot drift.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml
from markdown import Markdown

from bantin_ketqua.model import COUNT_FIELDS, FIELD_LABELS

from .preview import templates

PROJECT = Path(__file__).resolve().parents[2]
ADMIN_SOURCE = PROJECT / "admin"
DEFAULT_BUNDLE = PROJECT / "cache" / "admin" / "bantin-admin.js"
DEFAULT_DECAP_SERVER = "http://127.0.0.1:8081/api/v1"
GUIDES = PROJECT / "docs"

# Notes under the form inputs (the staff guide explains each field in full).
_HINTS = {
    "ty_le": "Phần trăm, ví dụ 37.10 (không ghi dấu %). Có thể bỏ: trang tự tính.",
    "so_cung_ky": "Tăng ghi số dương, giảm ghi số âm (ví dụ -12).",
    "chi_tieu": "Chỉ tiêu (%) riêng của bài này; thường để trống.",
}
_UNITS = {"viec": "Số việc", "tien": "Số đồng, ghi đủ: 75683482000"}


def _number(name: str, kind: str) -> dict:
    """One figure as a number input: counts are whole and not negative, rates 0–100."""
    hint = _HINTS.get(name) or _UNITS[kind]
    if name == "giai_quyet_xong":
        hint += ". Bắt buộc khi có kết quả."
    field = {"label": FIELD_LABELS[name], "name": name, "widget": "number", "required": False}
    if name in ("ty_le", "chi_tieu"):
        field.update(value_type="float", min=0, max=100, step=0.01)
    else:
        field.update(value_type="int", step=1)
        if name != "so_cung_ky":
            field["min"] = 0
    return {**field, "hint": hint}


def _figures(kind: str, *, totals: bool) -> dict:
    names = [n for n in COUNT_FIELDS if kind == "tien" or n != "giam"]
    names += ["ty_le", "so_cung_ky"] + (["chi_tieu"] if totals else [])
    return {
        "label": FIELD_LABELS[kind],
        "name": kind,
        "widget": "object",
        "required": False,
        "collapsed": kind == "tien",
        "fields": [_number(name, kind) for name in names],
    }


def _day(name: str) -> dict:
    return {
        "label": FIELD_LABELS[name],
        "name": name,
        "widget": "datetime",
        "format": "YYYY-MM-DD",
        "date_format": "DD/MM/YYYY",
        "time_format": False,
        "required": False,
        "default": "",
    }


def results_fields() -> list[dict]:
    """The ``ket_qua`` form: the block's own field names, the model's Vietnamese labels."""
    return [
        {
            "label": FIELD_LABELS["tieu_de"],
            "name": "tieu_de",
            "widget": "string",
            "required": False,
        },
        {
            "label": FIELD_LABELS["ky"],
            "name": "ky",
            "widget": "object",
            "required": False,
            "hint": "Kỳ thống kê bắt đầu ngày 01/10 năm trước.",
            "fields": [_day("tu"), _day("den")],
        },
        _figures("viec", totals=True),
        _figures("tien", totals=True),
        {
            "label": FIELD_LABELS["don_vi"],
            "label_singular": "đơn vị",
            "name": "don_vi",
            "widget": "list",
            "required": False,
            "collapsed": False,
            "summary": "{{fields.ten}}",
            "fields": [
                {"label": FIELD_LABELS["ten"], "name": "ten", "widget": "string"},
                _figures("viec", totals=False),
                _figures("tien", totals=False),
            ],
        },
    ]


class _PlainDumper(yaml.SafeDumper):
    """Shared field definitions written out in full, not as YAML anchors."""

    def ignore_aliases(self, data):
        return True


def _in_content(path: str, content_folder: str) -> str:
    """``content/…`` in the source config → the site's content folder, seen from the repo."""
    slash = path.startswith("/")
    path = path.lstrip("/")
    if path == "content" or path.startswith("content/"):
        path = content_folder + path[len("content") :]
    return ("/" if slash else "") + path


def _fields_by_name(fields):
    return {field["name"]: field for field in fields}


def editor_config(settings) -> dict:
    """The Decap configuration the editor loads, from ``admin/config.yml`` and the settings."""
    with open(ADMIN_SOURCE / "config.yml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    for anchors_only in ("_media", "_fields"):
        config.pop(anchors_only, None)
    content = Path(settings["PATH"]).resolve()
    repo = Path(settings.get("BANTIN_ADMIN_REPO") or content.parent).resolve()
    content_folder = os.path.relpath(content, repo).replace(os.sep, "/")
    backend = settings.get("BANTIN_ADMIN_BACKEND")
    if backend:
        # A shared Git server (docs/soan-thao-gitea.md): staff log in, every save is a commit.
        config["backend"] = dict(backend)
        config.pop("local_backend", None)
    else:
        config["local_backend"] = {"url": settings.get("BANTIN_DECAP_SERVER", DEFAULT_DECAP_SERVER)}
    config["media_folder"] = _in_content(config["media_folder"], content_folder)
    logo = (settings.get("AGENCY") or {}).get("logo")
    if logo:
        config["logo_url"] = "/" + logo.lstrip("/")
    categories = list(settings.get("BANTIN_CATEGORIES", ()))
    fixed = {
        "thong_bao": settings.get("BANTIN_ANNOUNCEMENT_CATEGORY"),
        "van_ban": settings.get("BANTIN_DOCUMENT_CATEGORY"),
    }
    kept = []
    for collection in config["collections"]:
        for key in ("folder", "media_folder"):
            if key in collection:
                collection[key] = _in_content(collection[key], content_folder)
        fields = _fields_by_name(collection["fields"])
        for field in collection["fields"]:
            if "media_folder" in field:
                field["media_folder"] = _in_content(field["media_folder"], content_folder)
        if "ket_qua" in fields:
            fields["ket_qua"]["fields"] = results_fields()
        name = collection["name"]
        if name in fixed:
            if not fixed[name]:
                continue  # the site has no such category: no such collection
            collection["filter"]["value"] = fixed[name]
            fields["category"]["default"] = fixed[name]
        elif "category" in fields:
            fields["category"]["options"] = categories
        kept.append(collection)
    config["collections"] = kept
    return config


def _guide_pages(target: Path) -> None:
    """The staff guide (docs/huong-dan-*.md) as plain pages under /admin/huong-dan/."""
    target.mkdir(parents=True, exist_ok=True)
    template = templates().get_template("guide.html")
    markdown = Markdown(extensions=["extra", "toc"], output_format="html5")
    parts = []
    for source in sorted(GUIDES.glob("huong-dan-*.md")):
        text = source.read_text(encoding="utf-8")
        # Links between guide parts: huong-dan-ket-qua.md → huong-dan-ket-qua.html
        text = re.sub(r"\]\((huong-dan-[a-z-]+)\.md", r"](\1.html", text)
        markdown.reset()
        title = text.splitlines()[0].lstrip("# ").strip()
        parts.append((source.stem, title))
        page = template.render(title=title, body=markdown.convert(text))
        (target / f"{source.stem}.html").write_text(page, encoding="utf-8")
    index = template.render(title="Hướng dẫn cho cán bộ", parts=parts, body="")
    (target / "index.html").write_text(index, encoding="utf-8")


def write_admin(output: Path, settings) -> None:
    """``/admin/``: the editor page, its configuration, the bundle when built, the guide."""
    target = output / "admin"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ADMIN_SOURCE / "index.html", target / "index.html")
    config = editor_config(settings)
    with open(target / "config.yml", "w", encoding="utf-8") as handle:
        yaml.dump(
            config, handle, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=100
        )
    bundle = Path(settings.get("BANTIN_ADMIN_BUNDLE") or DEFAULT_BUNDLE)
    if bundle.exists():
        shutil.copyfile(bundle, target / bundle.name)
    _guide_pages(target / "huong-dan")
