"""The plugin's settings: defaults in one place, read once where they are needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

DEFAULTS: dict[str, object] = {
    # The live preview and /admin/ (make devserver, make admin set it; make publish never).
    "BANTIN_PREVIEW": False,
    # The Git repository the editor saves into; None: the folder above content/.
    "BANTIN_ADMIN_REPO": None,
    # A shared Git server's Decap backend (docs/soan-thao-gitea.md); None: the local server.
    "BANTIN_ADMIN_BACKEND": None,
    # The editor's JavaScript bundle (built by make admin); None: cache/admin/bantin-admin.js.
    "BANTIN_ADMIN_BUNDLE": None,
    # Where the editor page sends its saves without a Git server (make admin sets it).
    "BANTIN_DECAP_SERVER": "http://127.0.0.1:8081/api/v1",
    # The category of official documents (văn bản): the editor's and make new's own form.
    "BANTIN_DOCUMENT_CATEGORY": "Văn bản",
}


@dataclass(frozen=True)
class EditorSettings:
    preview: bool
    admin_repo: str | None
    admin_backend: dict | None
    admin_bundle: Path
    decap_server: str
    document_category: str


def read(settings: dict) -> EditorSettings:
    """The editor's settings from Pelican's (a missing or None value takes its default)."""
    s = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS and v is not None}}
    return EditorSettings(
        preview=bool(s["BANTIN_PREVIEW"]),
        admin_repo=s["BANTIN_ADMIN_REPO"],
        admin_backend=s["BANTIN_ADMIN_BACKEND"],
        admin_bundle=Path(s["BANTIN_ADMIN_BUNDLE"] or PROJECT / "cache/admin/bantin-admin.js"),
        decap_server=s["BANTIN_DECAP_SERVER"],
        document_category=s["BANTIN_DOCUMENT_CATEGORY"],
    )
