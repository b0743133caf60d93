"""The settings of ``make check``, ``make publish`` and ``make deploy``: defaults in one place.

Every other setting these commands read is a build's (``bantin_core.settings``: the problem
report, the engine switch and its process count).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULTS: dict[str, object] = {
    # Where `make deploy` uploads: a folder on this machine or user@host:/path over SSH (rsync);
    # read by deploy/deploy.py from publishconf.py (docs/xuat-ban.md).
    "BANTIN_DEPLOY_TARGET": "",
}


@dataclass(frozen=True)
class PublishSettings:
    deploy_target: str


def read(settings: dict) -> PublishSettings:
    value = settings.get("BANTIN_DEPLOY_TARGET") or DEFAULTS["BANTIN_DEPLOY_TARGET"]
    return PublishSettings(deploy_target=str(value))
