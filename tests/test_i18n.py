"""Theme translations: compiled catalogs reach Jinja, extraction and runtime agree."""

import logging
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import DictLoader, Environment
from pelican import signals
from pelican.generators import (
    ArticlesGenerator,
    PagesGenerator,
    StaticGenerator,
    TemplatePagesGenerator,
)
from pelican.settings import read_settings

from bantin_format import configure_jinja
from bantin_format.formatting import FILTERS
from bantin_format.i18n import install_translations, load_translations

REPO = Path(__file__).resolve().parent.parent

# An English catalog, so a translated string cannot be mistaken for the Vietnamese source.
MESSAGES_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"

msgid "Trang chủ"
msgstr "Home"

msgid "Tin tức – sự kiện"
msgstr "News and events"

msgid "Cập nhật lúc %(time)s"
msgstr "Updated at %(time)s"

msgid "Kết quả thi hành án dân sự trong kỳ báo cáo"
msgstr "Civil judgment enforcement results for the period"
"""

# Rendered by Jinja with Pelican's settings, in the layout the theme uses.
TEMPLATES = {
    "theme/templates/base.html": '<a href="/">{{ _("Trang chủ") }}</a>',
    "theme/templates/components/nav.html": "{% trans %}Tin tức – sự kiện{% endtrans %}",
    "theme/templates/components/updated.html": ('{{ _("Cập nhật lúc %(time)s", time="08:30") }}'),
    # Reindented over several lines: trimmed, it is still the one-line msgid.
    "theme/templates/components/results.html": """\
<h2>{% trans %}
  Kết quả thi hành án
  dân sự trong kỳ báo cáo
{% endtrans %}</h2>""",
}

EXPECTED = {
    "theme/templates/base.html": '<a href="/">Home</a>',
    "theme/templates/components/nav.html": "News and events",
    "theme/templates/components/updated.html": "Updated at 08:30",
    "theme/templates/components/results.html": (
        "<h2>Civil judgment enforcement results for the period</h2>"
    ),
}


def compile_catalog(translations_dir: Path, locale: str, po_text: str) -> Path:
    """Write ``po_text`` as ``<dir>/<locale>/LC_MESSAGES/messages.po`` and compile it to .mo."""
    messages_dir = translations_dir / locale / "LC_MESSAGES"
    messages_dir.mkdir(parents=True)
    po_path = messages_dir / "messages.po"
    po_path.write_text(po_text, encoding="utf-8")
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    with (messages_dir / "messages.mo").open("wb") as mo_file:
        write_mo(mo_file, catalog)
    return translations_dir


@pytest.fixture
def translations_dir(tmp_path):
    return compile_catalog(tmp_path / "translations", "en", MESSAGES_PO)


def pelican_like_env() -> Environment:
    # The JINJA_ENVIRONMENT of pelicanconf.py.
    return Environment(
        loader=DictLoader(TEMPLATES), trim_blocks=True, lstrip_blocks=True, autoescape=True
    )


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_compiled_catalog_translates_templates(translations_dir, name, expected):
    env = pelican_like_env()
    install_translations(env, load_translations(str(translations_dir), "en"))
    assert env.get_template(name).render() == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("theme/templates/base.html", '<a href="/">Trang chủ</a>'),
        ("theme/templates/components/nav.html", "Tin tức – sự kiện"),
        ("theme/templates/components/updated.html", "Cập nhật lúc 08:30"),
        (
            "theme/templates/components/results.html",
            "<h2>Kết quả thi hành án dân sự trong kỳ báo cáo</h2>",
        ),
    ],
)
def test_missing_catalog_keeps_source_strings(tmp_path, name, expected):
    env = pelican_like_env()
    install_translations(env, load_translations(str(tmp_path / "no-translations"), "vi"))
    assert env.get_template(name).render() == expected


def test_a_build_without_a_catalog_warns_once_per_build_not_per_generator(tmp_path, caplog):
    from pelican import Pelican

    from bantin_format import check_catalog

    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (tmp_path / "content").mkdir()
    settings = read_settings(
        override={
            "PATH": str(tmp_path / "content"),
            "THEME": str(theme),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "PLUGINS": [],
        }
    )
    pelican = Pelican(settings)

    def said():
        return [r.getMessage() for r in caplog.records if r.name == "bantin_format.i18n"]

    with caplog.at_level(logging.WARNING, logger="bantin_format.i18n"):
        generators = make_generators(settings)  # each loads the catalog: none says so
        assert generators[0].env.from_string('{{ _("Trang chủ") }}').render() == "Trang chủ"
        assert said() == []
        with signals.get_generators.connected_to(check_catalog):
            pelican._get_generator_classes()  # sends get_generators, once per build
    assert len(said()) == 1
    assert said()[0].startswith("[bantin_format] ")
    assert str(theme / "translations") in said()[0]
    caplog.clear()
    compile_catalog(theme / "translations", "vi", MESSAGES_PO)
    with signals.get_generators.connected_to(check_catalog):
        pelican._get_generator_classes()
    assert [r for r in caplog.records if r.name == "bantin_format.i18n"] == []


def test_babel_cfg_extracts_what_templates_look_up(tmp_path):
    # Extraction with the repository's babel.cfg, on templates laid out like the theme's.
    for name, source in TEMPLATES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)

    extracted = {message[2] for message in extract_from_dir(str(tmp_path), method_map, options_map)}

    with (tmp_path / "catalog.po").open("w", encoding="utf-8") as po:
        po.write(MESSAGES_PO)
    with (tmp_path / "catalog.po").open("rb") as po:
        catalog_ids = {message.id for message in read_po(po) if message.id}
    assert extracted == catalog_ids


def configured_generators(tmp_path):
    """One of each Pelican generator whose templates are rendered, built with the plugin; the
    theme's catalog is the English one (as ``vi``, the plugin's one locale)."""
    content = tmp_path / "content"
    content.mkdir()
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    compile_catalog(theme / "translations", "vi", MESSAGES_PO)
    settings = read_settings(
        override={
            "PATH": str(content),
            "THEME": str(theme),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_CONTENT": False,
        }
    )
    return make_generators(settings)


def make_generators(settings):
    classes = [ArticlesGenerator, PagesGenerator, StaticGenerator, TemplatePagesGenerator]
    # connected_to: the handler stays connected only for this test, not for later builds.
    with signals.generator_init.connected_to(configure_jinja):
        return [
            cls(
                context=settings.copy(),
                settings=settings,
                path=settings["PATH"],
                theme=settings["THEME"],
                output_path=settings["OUTPUT_PATH"],
            )
            for cls in classes
        ]


def test_plugin_configures_every_generator(tmp_path):
    generators = configured_generators(tmp_path)
    assert len(generators) == 4
    for generator in generators:
        assert FILTERS.items() <= generator.env.filters.items(), type(generator).__name__
        rendered = generator.env.from_string(
            '{{ _("Trang chủ") }}: {{ 37.1|format_percent }}, {{ 53|format_change("viec") }}'
        ).render()
        assert rendered == "Home: 37,10%, tăng 53 việc", type(generator).__name__


def test_plugin_default_catalog_is_in_the_theme(tmp_path):
    # The catalog is always <THEME>/translations (no setting moves it).
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    compile_catalog(theme / "translations", "vi", MESSAGES_PO)
    settings = read_settings(override={"PATH": str(tmp_path), "THEME": str(theme)})
    with signals.generator_init.connected_to(configure_jinja):
        generator = PagesGenerator(
            context=settings.copy(),
            settings=settings,
            path=settings["PATH"],
            theme=settings["THEME"],
            output_path=str(tmp_path / "output"),
        )
    assert generator.env.from_string('{{ _("Trang chủ") }}').render() == "Home"


def test_theme_catalog_holds_every_interface_string():
    """`make messages` was run: no template string is missing from the vi catalog."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(REPO), method_map, options_map)
    }
    po_path = REPO / "theme" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po:
        catalog = {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(po)
            if message.id
        }
    assert extracted, "no strings extracted: babel.cfg no longer matches the templates"
    assert sorted(extracted - catalog) == [], "run `make messages` and commit the catalog"
