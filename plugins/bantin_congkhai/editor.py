"""The publication duties in the web editor (Decap CMS): collections and the judge of a save.

The editor's own plugin (``bantin_editor``) owns ``admin/config.yml`` and the editor server.
This module gives it what it needs for the two kinds, made from the same field descriptions as
the model and the staff guide (:mod:`.schema`), so the forms cannot drift:

- :func:`collections`: a Decap folder collection per kind (YAML files, ``.yml``), each form
  field made by ``bantin_editor.admin.decap_field``; file names never hold the person's name
  (year, unit and time of creation);
- :func:`judge`: the problems of one entry as the build would report them, for the editor
  server to answer a save or a check with (the same ``parse_entry``).
"""

from __future__ import annotations

import os

from bantin_frontmatter.fields import FieldContext, earliest_date
from bantin_frontmatter.reader import display_path

from . import units_of
from .model import AUCTION, DEBTOR, FOLDERS, parse_entry
from .schema import AUCTION_FIELDS, DEBTOR_FIELDS

_KINDS = {
    DEBTOR: {
        "name": "chua_co_dieu_kien",
        "label": "Người chưa có điều kiện thi hành án",
        "label_singular": "người phải thi hành án",
        "description": "Danh sách công khai người phải thi hành án chưa có điều kiện thi hành. "
        "Gỡ: thêm «Gỡ thông tin», không xóa mục. "
        "Hướng dẫn: /admin/huong-dan/huong-dan-cong-khai.html",
        "slug": "{{year}}-{{fields.don_vi}}-{{month}}{{day}}{{hour}}{{minute}}",
        "summary": "{{ho_ten}} ({{don_vi}}, {{ngay_dang | default('chưa đăng')}})",
        "fields": DEBTOR_FIELDS,
        "required": (
            "ho_ten",
            "dia_chi",
            "don_vi",
            "ban_an",
            "quyet_dinh_thi_hanh",
            "nghia_vu",
            "ly_do",
            "quyet_dinh_chua_co_dieu_kien",
        ),
    },
    AUCTION: {
        "name": "dau_gia",
        "label": "Thông báo đấu giá",
        "label_singular": "thông báo đấu giá",
        "description": "Thông báo lựa chọn tổ chức đấu giá và thông báo đấu giá tài sản. "
        "Hướng dẫn: /admin/huong-dan/huong-dan-cong-khai.html",
        "slug": "{{year}}-{{fields.loai}}-{{month}}{{day}}{{hour}}{{minute}}",
        "summary": "{{tai_san}} ({{loai}}, {{ngay_dang | default('chưa đăng')}})",
        "fields": AUCTION_FIELDS,
        "required": ("loai", "don_vi", "quyet_dinh_thi_hanh", "tai_san", "gia_khoi_diem"),
    },
}


def collections(settings) -> list[dict]:
    """Decap collections for the two kinds (folders under the site's content folder).

    ``units`` fill the unit field's choices: the codes of content/data/don_vi.yml and ``cuc``.
    """
    from bantin_data.schema import load_data_folder

    from bantin_editor.admin import decap_field

    content = settings["PATH"]
    data, _problems = load_data_folder(os.path.join(content, settings.get("DATA_PATH", "data")))
    units = units_of(settings, data)
    result = []
    for folder, kind in FOLDERS.items():
        own = _KINDS[kind]
        fields = []
        for name, spec in own["fields"]:
            field = decap_field(name, spec, required=name in own["required"])
            if name == "don_vi":
                field.update(
                    widget="select",
                    options=[{"label": unit.ten, "value": code} for code, unit in units.items()],
                )
            fields.append(field)
        result.append(
            {
                "name": own["name"],
                "label": own["label"],
                "label_singular": own["label_singular"],
                "description": own["description"],
                "folder": f"content/{folder}",
                # Decap's YAML without the empty values its widgets leave (admin/main.js).
                "format": "bantin-yml",
                "extension": "yml",
                "create": True,
                "slug": own["slug"],
                "summary": own["summary"],
                "fields": fields,
            }
        )
    return result


def judge(path: str, raw: str, settings) -> list:
    """The problems of the entry ``raw`` to be saved at ``path`` (under content/cong-khai/).

    ``raw`` is the file's YAML, as it will be written (the editor's check before saving sends
    it so too).
    """
    from bantin_data.schema import load_data_folder

    content = settings["PATH"]
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(content))
    folder, name = os.path.split(relative.replace(os.sep, "/"))
    kind = FOLDERS[folder]
    data, _problems = load_data_folder(os.path.join(content, settings.get("DATA_PATH", "data")))
    ctx = FieldContext(
        content, path, earliest=earliest_date(settings), extra={"units": units_of(settings, data)}
    )
    source = display_path(os.path.abspath(path))
    _entry, problems = parse_entry(kind, raw, name.removesuffix(".yml"), source, ctx)
    return problems
