"""The web editor (Decap CMS) at ``/admin/`` of the live preview, and the staff guide beside it.

``admin/config.yml`` holds the collection-level settings; :func:`editor_config` makes every form
field from the one schema (``bantin_frontmatter.fields.schema``: labels, hints, when required,
patterns, choices, number kinds) and fills in what comes from the site: the category lists,
the local backend's address, the content folder and the preview links (``ARTICLE_URL``).

Hints follow the schema's, with one rule of the editor's own (:func:`number_hint`): a number
field's hint says how to type the figure in the number box (``2.073 hoặc 2073``, ``37,10 hoặc
37.10``) instead of the schema's parts on writing it in the file by hand (``viết liền: 2073``),
and keeps the rest of what the schema says about the field. tests/test_admin.py holds the form to
both.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml
from markdown import Markdown

from bantin_frontmatter import settings as frontmatter_settings
from bantin_frontmatter.fields import FieldSpec, schema

from . import settings as editor_settings
from .preview import templates

PROJECT = Path(__file__).resolve().parents[2]
ADMIN_SOURCE = PROJECT / "admin"
# The API address written without the editor server (``make devserver``, the default of
# BANTIN_DECAP_SERVER): nothing answers there with this run's token, so /admin/ tells staff to
# run ``make admin`` (admin/check.js).
GUIDES = PROJECT / "docs"

#: The post's text: not a front-matter field, so not in the schema.
BODY_FIELD = {
    "label": "Nội dung",
    "name": "body",
    "widget": "markdown",
    "modes": ["rich_text", "raw"],
}

# What only the editor needs to know about some fields (how they are laid out, where files go).
_EDITOR_EXTRAS = {
    ("ket_qua",): {"collapsed": True},
    ("ket_qua", "tien"): {"collapsed": True},
    ("ket_qua", "don_vi"): {
        "label_singular": "đơn vị",
        "collapsed": False,
        "summary": "{{fields.ten}}",
    },
    ("ket_qua", "don_vi", "tien"): {"collapsed": True},
}
_FILE_MEDIA = {"media_folder": "/content/documents", "public_folder": "documents"}


def required_condition(name: str, spec: FieldSpec, parent: str | None) -> str | None:
    """When a field the form cannot require by itself must be filled, in words, or None.

    ``parent`` is the condition of the block it sits in (``Bắt buộc khi có «Kết quả thi hành
    án»``); ``image_alt`` is required with ``image``, named by its label.
    """
    if spec.required_with:
        other = schema()[spec.required_with].label
        return f"Bắt buộc khi có «{other}»"
    if spec.required and parent:
        return parent
    return None


#: How to type a figure into the editor's number box (``vi_number``, read by admin/numbers.js
#: the way staff write numbers), by the field's number kind (``FieldSpec.number``).
NUMBER_TYPING = {
    "count": "gõ như thường viết: 2.073 hoặc 2073",
    "money": "số đồng, gõ đủ như thường viết: 75.683.482.000 hoặc 75683482000",
    "percent": "phần trăm, không gõ dấu %: 37,10 hoặc 37.10",
    "signed": "tăng gõ số dương, giảm gõ số âm: 53, hoặc -12 khi giảm",
    "signed-money": "số đồng, tăng gõ số dương, giảm gõ số âm: 6.627.608.000, "
    "hoặc -1.400.000.000 khi giảm",
}


#: A part of a schema hint that says how a figure is written in the file by hand.
HAND_WRITTEN = re.compile(r"\b(viết|ghi)\b")


def number_hint(spec: FieldSpec) -> list[str]:
    """The hint of a number field as the editor gives it, in parts.

    The schema's hint is written for the file (``số việc, viết liền: 2073``, ``37,10% ghi
    37.10``, ``giảm ghi số âm``): a part of it that says how the figure is written («viết»,
    «ghi») is about writing it by hand. The editor's number box also reads ``2.073`` and
    ``37,10``, so those parts give way to how to type a number of the field's kind
    (:data:`NUMBER_TYPING`, which says the same: the unit, the sign), said first; the other
    parts (what the field means: ``có thể bỏ, trang tự tính``, ``từ 5 % đến 20 % giá khởi
    điểm``) are kept, in order.
    """
    parts = [part.strip() for part in (spec.hint or "").split(";") if part.strip()]
    typing = NUMBER_TYPING[spec.number or "count"]
    return [typing] + [part for part in parts if not HAND_WRITTEN.search(part)]


def editor_hint(spec: FieldSpec, condition: str | None) -> str:
    """The note under a form field: when it is required (if that depends), then the hint (for a
    number, :func:`number_hint`)."""
    hint = number_hint(spec) if spec.widget == "number" else [spec.hint]
    return "; ".join(part for part in (condition, *hint) if part)


def _widget(spec: FieldSpec) -> dict:
    widget = spec.widget
    if widget == "datetime":
        return {
            "widget": "datetime",
            "format": "YYYY-MM-DD HH:mm",
            "date_format": "DD/MM/YYYY",
            "time_format": "HH:mm",
        }
    if widget == "date":
        return {
            "widget": "datetime",
            "format": "YYYY-MM-DD",
            "date_format": "DD/MM/YYYY",
            "time_format": False,
        }
    if widget == "number":
        return {"widget": "vi_number", "kind": spec.number or "count"}
    if widget == "select":
        return {
            "widget": "select",
            "options": [{"label": label, "value": value} for value, label in spec.choices],
        }
    if widget == "image":
        return {"widget": "image", "choose_url": False}
    if widget == "file":
        return {"widget": "file", "choose_url": False, **_FILE_MEDIA}
    return {"widget": widget}


def decap_field(
    name: str,
    spec: FieldSpec,
    *,
    required: bool,
    condition: str | None = None,
    path: tuple = (),
) -> dict:
    """One form field from the schema; ``required`` is what Decap enforces by itself, and
    ``condition`` says when a field Decap leaves optional must still be filled."""
    path = (*path, name)
    field = {"label": spec.label, "name": name, **_widget(spec), "required": required}
    if spec.repeated or field["widget"] == "list":
        # A list starts with no item: Decap would otherwise start it with an item made of the
        # sub-fields' defaults (an empty optional date), which blocks the save.
        field["default"] = []
    elif not required and field["widget"] == "datetime":
        field["default"] = ""
    hint = editor_hint(spec, condition)
    if hint:
        field["hint"] = hint
    if spec.pattern:
        field["pattern"] = list(spec.pattern)
    if spec.subfields:
        # Inside a block (or an item of a list) a required sub-field is required when the
        # block is there: Decap can require it only when the block itself is required.
        within = required or spec.repeated
        inner = condition or f"Bắt buộc khi có «{spec.label}»"
        field["fields"] = [
            decap_field(
                sub,
                sub_spec,
                required=within and sub_spec.required,
                condition=None if within else required_condition(sub, sub_spec, inner),
                path=path,
            )
            for sub, sub_spec in spec.subfields
        ]
    field.update(_EDITOR_EXTRAS.get(path, {}))
    return field


def form_fields(names, kind: str) -> list[dict]:
    """A collection's fields (``bantin_fields`` in admin/config.yml) for a content kind."""
    specs = schema()
    fields = []
    for item in names:
        override = dict(item) if isinstance(item, dict) else {"name": item}
        name = override.pop("name")
        if name == "body":
            fields.append({**BODY_FIELD, **override})
            continue
        spec = specs[name]
        required = kind in spec.required_for or override.pop("required", False)
        fields.append(
            {
                **decap_field(
                    name,
                    spec,
                    required=required,
                    condition=None if required else required_condition(name, spec, None),
                ),
                **override,
            }
        )
    return fields


def conditional_labels(fields, found=None) -> set:
    """Names of the fields whose requirement depends on another (their hint says when)."""
    found = set() if found is None else found
    for field in fields:
        if not field.get("required", True) and field.get("hint", "").startswith("Bắt buộc khi"):
            found.add(field["name"])
        conditional_labels(field.get("fields", ()), found)
    return found


def preview_path(url_pattern: str) -> str:
    """Pelican's ``ARTICLE_URL`` (``{date:%Y}/{date:%m}/{slug}/``) as Decap's ``preview_path``."""
    tokens = {"{date:%Y}": "{{year}}", "{date:%m}": "{{month}}", "{date:%d}": "{{day}}"}
    for pelican, decap in tokens.items():
        url_pattern = url_pattern.replace(pelican, decap)
    return url_pattern.replace("{slug}", "{{fields.slug}}")


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


def _media_in_content(fields, content_folder: str) -> None:
    for field in fields:
        if "media_folder" in field:
            field["media_folder"] = _in_content(field["media_folder"], content_folder)
        _media_in_content(field.get("fields", ()), content_folder)


def editor_config(settings) -> dict:
    """The Decap configuration the editor loads, from ``admin/config.yml`` and the settings."""
    with open(ADMIN_SOURCE / "config.yml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    content = Path(settings["PATH"]).resolve()
    editor = editor_settings.read(settings)
    repo = Path(editor.admin_repo or content.parent).resolve()
    content_folder = os.path.relpath(content, repo).replace(os.sep, "/")
    backend = editor.admin_backend
    if backend:
        # A shared Git server (docs/soan-thao-gitea.md): staff log in, every save is a commit.
        config["backend"] = dict(backend)
        config.pop("local_backend", None)
    else:
        config["local_backend"] = {"url": editor.decap_server}
    config["media_folder"] = _in_content(config["media_folder"], content_folder)
    logo = (settings.get("AGENCY") or {}).get("logo")
    if logo:
        config["logo_url"] = "/" + logo.lstrip("/")
    categories = list(frontmatter_settings.read(settings).categories)
    fixed = {
        "thong_bao": settings.get("BANTIN_ANNOUNCEMENT_CATEGORY"),
        "van_ban": editor.document_category,
    }
    urls = {
        "article": settings.get("ARTICLE_URL", "{date:%Y}/{date:%m}/{slug}/"),
        "page": settings.get("PAGE_URL", "{slug}/"),
    }
    kept = []
    for collection in config["collections"]:
        kind = collection.pop("bantin_kind")
        collection["fields"] = form_fields(collection.pop("bantin_fields"), kind)
        collection["preview_path"] = preview_path(urls[kind])
        if kind == "article":
            collection["preview_path_date_field"] = "date"
        for key in ("folder", "media_folder"):
            if key in collection:
                collection[key] = _in_content(collection[key], content_folder)
        _media_in_content(collection["fields"], content_folder)
        fields = _fields_by_name(collection["fields"])
        name = collection["name"]
        if name in fixed:
            if not fixed[name]:
                continue  # the site has no such category: no such collection
            collection["filter"]["value"] = fixed[name]
            fields["category"]["default"] = fixed[name]
        elif "category" in fields:
            fields["category"]["options"] = categories
        kept.append(collection)
    if "bantin_congkhai" in settings.get("PLUGINS", ()):
        # Public notices (debtors, auctions): their plugin makes the collections from its own
        # field descriptions with decap_field; the editor server judges their saves.
        from bantin_congkhai.editor import collections as notice_collections

        for collection in notice_collections(settings):
            collection["folder"] = _in_content(collection["folder"], content_folder)
            kept.append(collection)
    config["collections"] = kept
    return config


def editor_styles(config) -> str:
    """CSS for the editor page: Decap marks every field it does not require «(không bắt
    buộc)»; a field required when another is there (its hint says when) is not marked."""
    names = set()
    for collection in config["collections"]:
        conditional_labels(collection["fields"], names)
    rules = [f'label[for^="{name}-field-"] > span' for name in sorted(names)]
    return (",\n".join(rules) + " { display: none; }\n") if rules else ""


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
    (target / "bantin-editor.css").write_text(editor_styles(config), encoding="utf-8")
    bundle = editor_settings.read(settings).admin_bundle
    if bundle.exists():
        shutil.copyfile(bundle, target / bundle.name)
    _guide_pages(target / "huong-dan")
