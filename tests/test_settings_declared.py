"""Every ``BANTIN_*`` setting is declared once, with its default, and read somewhere (issue 18 §4).

The convention (each plugin's ``settings.py``): ``DEFAULTS`` holds every ``BANTIN_*`` setting
the plugin reads and only those, and a frozen dataclass made from Pelican's settings is what the
plugin's code uses. Checked here, by scanning text (nothing is built):

- a name mentioned in ``plugins/**/*.py`` or in a template is a key of exactly one plugin's
  ``DEFAULTS`` (a name nobody declared is a setting read with a default of its own, or read
  nowhere);
- a name set in ``pelicanconf.py`` / ``publishconf.py``, passed by the ``Makefile``, read by
  ``deploy/*.py`` or told to publishers in ``docs/*.md`` is declared too (no dead setting);
- every ``DEFAULTS`` key is read somewhere besides its own ``DEFAULTS`` entry;
- the settings objects are frozen; a wrong setting is said in Vietnamese, naming it.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import importlib
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"
SETTING = re.compile(r"\bBANTIN_[A-Z0-9_]*[A-Z0-9]\b")

#: Plugins whose owners are still converting them to the convention: names only they mention
#: are not required to be declared yet, and they need no settings.py yet. Shrinks to empty.
NOT_YET: set[str] = set()
#: Which plugin declares a setting, where that is not the plugin(s) mentioning it: by prefix,
#: or by name for one read outside plugins/ (only used to excuse names while it is in NOT_YET).
OWNER_BY_PREFIX = {
    "BANTIN_SEARCH": "bantin_search",
    "BANTIN_IMAGES": "bantin_images",
    "BANTIN_SHARE_CARD": "bantin_images",
    "BANTIN_KETQUA": "bantin_ketqua",
    "BANTIN_ADMIN": "bantin_editor",
}
OWNER_BY_NAME = {"BANTIN_DEPLOY_TARGET": "bantin_publish"}
#: Environment variables, not settings (read with os.environ, where named).
ENVIRONMENT = {"BANTIN_THEME_TEST_SITE": "tests/theme_site.py"}
#: The engine-room note's before/after count names settings that are gone: history, not use.
HISTORY = re.compile(r"^\|\s*thiết lập `BANTIN_\*`")


def plugin_names() -> list[str]:
    return sorted(p.name for p in PLUGINS.glob("bantin_*") if (p / "__init__.py").is_file())


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _python_files(folder: Path):
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def declared() -> dict[str, list[str]]:
    """Setting → the plugins whose ``settings.DEFAULTS`` hold it."""
    owners = defaultdict(list)
    for plugin in plugin_names():
        if (PLUGINS / plugin / "settings.py").is_file():
            for key in importlib.import_module(f"{plugin}.settings").DEFAULTS:
                owners[key].append(plugin)
    return owners


def _defaults_keys(tree: ast.Module) -> list[str]:
    """The keys of a module's ``DEFAULTS = {…}``, as written."""
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if (
            isinstance(target, ast.Name)
            and target.id == "DEFAULTS"
            and isinstance(node.value, ast.Dict)
        ):
            return [key.value for key in node.value.keys if isinstance(key, ast.Constant)]
    return []


def plugin_mentions() -> dict[str, dict[str, int]]:
    """Setting → {plugin: times mentioned outside its DEFAULTS keys} in plugins/ Python and
    templates (a plugin's own templates and the theme's, which is the bantin_theme plugin's)."""
    found = defaultdict(lambda: defaultdict(int))
    for plugin in plugin_names():
        folder = PLUGINS / plugin
        for path in _python_files(folder):
            text = _text(path)
            for name in SETTING.findall(text):
                found[name][plugin] += 1
            if path.name == "settings.py":
                for name in _defaults_keys(ast.parse(text)):
                    found[name][plugin] -= 1  # its declaration is not a read
        for path in sorted(folder.rglob("*.html")):
            for name in SETTING.findall(_text(path)):
                found[name][plugin] += 1
    for path in sorted((ROOT / "theme").rglob("*.html")):
        for name in SETTING.findall(_text(path)):
            found[name]["bantin_theme"] += 1
    return found


def outside_mentions() -> dict[str, set[str]]:
    """Setting → files outside plugins/ that set, pass, read or document it."""
    files = [ROOT / "pelicanconf.py", ROOT / "publishconf.py", ROOT / "Makefile"]
    files += sorted((ROOT / "deploy").glob("*.py")) + sorted((ROOT / "docs").glob("*.md"))
    found = defaultdict(set)
    for path in files:
        if not path.is_file():
            continue
        for line in _text(path).splitlines():
            if HISTORY.match(line):
                continue
            for name in SETTING.findall(line):
                found[name].add(path.relative_to(ROOT).as_posix())
    return found


def _owner(name: str) -> str | None:
    if name in OWNER_BY_NAME:
        return OWNER_BY_NAME[name]
    prefixes = [p for p in OWNER_BY_PREFIX if name == p or name.startswith(p + "_")]
    return OWNER_BY_PREFIX[max(prefixes, key=len)] if prefixes else None


def _excused(name: str, users) -> bool:
    """Mentioned by, or belonging to, a plugin still being converted (see NOT_YET)."""
    return _owner(name) in NOT_YET or bool(set(users or ()) & NOT_YET)


def test_not_yet_names_only_plugins_that_exist():
    assert plugin_names(), "no plugins found"
    assert set(plugin_names()) >= NOT_YET
    owners = {*OWNER_BY_PREFIX.values(), *OWNER_BY_NAME.values()}
    assert owners <= set(plugin_names())


def test_every_setting_a_plugin_mentions_is_declared_exactly_once():
    owners = declared()
    wrong = []
    for name, users in sorted(plugin_mentions().items()):
        if name in ENVIRONMENT:
            continue
        if len(owners.get(name, [])) > 1:
            wrong.append(f"{name}: declared by {', '.join(owners[name])}")
        elif not owners.get(name) and not _excused(name, users):
            wrong.append(f"{name}: mentioned by {', '.join(sorted(users))}, declared by none")
    assert wrong == []


def test_every_setting_set_passed_or_documented_is_declared():
    owners, users = declared(), plugin_mentions()
    dead = [
        f"{name} ({', '.join(sorted(where))})"
        for name, where in sorted(outside_mentions().items())
        if name not in owners and name not in ENVIRONMENT and not _excused(name, users.get(name))
    ]
    assert dead == []


def test_every_declared_setting_is_read_somewhere():
    users, outside = plugin_mentions(), outside_mentions()
    unread = [
        f"{name} (declared by {', '.join(plugins)})"
        for name, plugins in sorted(declared().items())
        if not sum(users.get(name, {}).values())
        and not any(p.startswith("deploy/") for p in outside.get(name, ()))
    ]
    assert unread == []


def test_converted_plugins_keep_their_defaults_in_settings_py_only():
    """A plugin reading a setting no other plugin declares has settings.py; no module keeps an
    old DEFAULT_SETTINGS table. (One that reads only others' settings needs none.)"""
    left, mentions, owners = [], plugin_mentions(), declared()
    for plugin in plugin_names():
        if plugin in NOT_YET:
            continue
        own = sorted(
            name
            for name, users in mentions.items()
            if plugin in users
            and name not in ENVIRONMENT
            and not any(owner != plugin for owner in owners.get(name, ()))
        )
        if own and not (PLUGINS / plugin / "settings.py").is_file():
            left.append(f"{plugin}: reads {', '.join(own)} but has no settings.py")
        for path in _python_files(PLUGINS / plugin):
            if re.search(r"^DEFAULT_SETTINGS\b", _text(path), re.MULTILINE):
                left.append(f"{path.relative_to(ROOT)}: DEFAULT_SETTINGS outside settings.py")
    assert left == []


def test_environment_variables_are_read_from_the_environment():
    for name, path in ENVIRONMENT.items():
        assert re.search(rf"environ\b.*{name}|getenv\(.{name}", _text(ROOT / path)), name


@pytest.mark.parametrize(
    "plugin", [p for p in plugin_names() if (PLUGINS / p / "settings.py").is_file()]
)
def test_settings_objects_are_frozen_dataclasses(plugin):
    module = importlib.import_module(f"{plugin}.settings")
    assert isinstance(module.DEFAULTS, dict) and module.DEFAULTS
    assert all(SETTING.fullmatch(key) for key in module.DEFAULTS), list(module.DEFAULTS)
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == module.__name__
    ]
    assert classes, f"{plugin}.settings defines no settings dataclass"
    assert all(cls.__dataclass_params__.frozen for cls in classes), classes


# --- The plugins converted here: their objects, read from the project's settings. ------------


def _project_settings(**overrides):
    from tests.conftest import get_settings

    return get_settings(**overrides)


def test_theme_settings_are_read_once_and_frozen():
    from bantin_theme.settings import DEFAULTS, read

    theme = read(_project_settings(BANTIN_OTHER_NEWS_COUNT=3))
    assert theme.other_news_count == 3
    assert read({}).other_news_count == DEFAULTS["BANTIN_OTHER_NEWS_COUNT"]
    assert [link["ten"] for link in theme.share_links] == ["Facebook", "Zalo"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        theme.other_news_count = 10


def test_public_notices_settings_are_read_once_and_frozen():
    from bantin_congkhai.settings import read

    own = read(
        _project_settings(BANTIN_CONGKHAI_HAN={"dang": 7}, BANTIN_CONGKHAI_NGAY_NGHI=["2025-10-27"])
    )
    assert own.deadlines == {"dang": 7, "sua": 3, "go": 3, "ket_qua": 3}
    assert own.days_off == (dt.date(2025, 10, 27),) and own.noindex is True and own.today == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        own.noindex = False
    with pytest.raises(TypeError):
        own.deadlines["dang"] = 1  # the mapping inside is read-only too


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BANTIN_CONGKHAI_HAN", 5),
        ("BANTIN_CONGKHAI_HAN", ["dang", 5]),
        ("BANTIN_CONGKHAI_NGAY_NGHI", "2025-10-27"),
        ("BANTIN_CONGKHAI_HOM_NAY", ["2026-02-23"]),
    ],
)
def test_a_public_notices_setting_of_the_wrong_type_is_a_vietnamese_problem(name, value):
    from bantin_congkhai import check_settings

    problems = check_settings(_project_settings(**{name: value}))
    assert [(p.source, p.field) for p in problems] == [("pelicanconf.py", name)]
    text = problems[0].format()
    assert name in text and repr(value) in text
    assert re.search(r"không|phải", text), text  # said in Vietnamese


def _read_photos(settings):
    from bantin_images.settings import read_config

    return read_config(settings, "/tmp/bantin-output-unused")


def _read_front_matter(settings):
    from bantin_frontmatter.settings import read

    return read(settings)


#: Plugins that check a setting when reading it: (reader, setting, a value of the wrong type,
#: what the message says). Only where the plugin validates already (nothing invented here).
VALIDATED = [
    (_read_photos, "BANTIN_IMAGES_WIDTHS", "800", "phải là danh sách"),
    (_read_photos, "BANTIN_IMAGES_WEBP_QUALITY", "72", "phải là số dương"),
    (_read_front_matter, "BANTIN_EARLIEST_DATE", ["1990-01-01"], "phải là một ngày"),
]


@pytest.mark.parametrize(
    ("reader", "name", "value", "said"), VALIDATED, ids=[v[1] for v in VALIDATED]
)
def test_a_setting_of_the_wrong_type_is_a_vietnamese_error_naming_it(reader, name, value, said):
    assert reader(_project_settings())  # the project's own settings read fine
    with pytest.raises(ValueError) as raised:
        reader(_project_settings(**{name: value}))
    assert name in str(raised.value) and said in str(raised.value)
    assert repr(value) in str(raised.value)


def test_engine_counts_counts_the_declared_settings():
    """bench/engine_counts.py (the engine-room note's numbers) reads the same DEFAULTS keys
    without importing anything, and counts a name no DEFAULTS declares as a setting too."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("engine_counts", ROOT / "bench/engine_counts.py")
    counts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counts)
    report = counts.count(ROOT)
    assert report["declared"] == set(declared())
    assert report["settings"] == report["declared"] | report["undeclared"]
    undeclared = {n for n in report["undeclared"] if not _excused(n, plugin_mentions().get(n))}
    assert undeclared == set()
    if not NOT_YET:
        assert len(report["settings"]) == len(declared())
