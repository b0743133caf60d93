"""Photos: responsive, private derivatives of whatever staff upload, and share cards.

- ``static_generator_finalized``: originals under ``BANTIN_IMAGES_PATHS`` are not copied to the
  output (they carry GPS and camera data and weigh megabytes); logos and other non-photo files
  still are.
- ``all_generators_finalized``: every photo used by content becomes cached derivatives, bodies
  get ``<picture>`` markup from ``components/figure.html``; articles and pages with a photo get
  ``image_picture`` (for ``bt_hero_figure``) and ``thumbnail`` (site-relative path of a
  320×213 WebP crop, for lists); every article gets ``og_image`` (site-relative path of the photo's
  1200×630 crop or of its share card) with ``og_image_width``, ``og_image_height``,
  ``og_image_alt``.

Settings and their defaults: ``settings.DEFAULTS``. Staff guide: ``docs/huong-dan-anh.md``.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from bantin_core import forked, state, uploads
from bantin_core.files import write_atomically
from bantin_core.problems import Problem, problem_log
from bantin_core.state import build_state
from bantin_frontmatter.reader import display_path

from .build import ImageBuild, is_raster
from .settings import SettingsError, read_config

logger = logging.getLogger("bantin.images")

FIGURE_TEMPLATE = "components/figure.html"


def keep_originals_private(generator) -> None:
    """Take photos under BANTIN_IMAGES_PATHS out of the static files Pelican copies."""
    try:
        config = read_config(generator.settings, generator.output_path)
    except SettingsError:
        return  # reported by process_images
    if config.publish_originals:
        return

    kept = []
    for static in generator.staticfiles:
        path = static.relative_source_path.replace(os.sep, "/")
        private = (
            is_raster(path)
            and path not in config.publish_as_is
            and any(path.startswith(folder + "/") for folder in config.private_paths)
        )
        if private:  # a {static} link to it now warns instead of pointing at nothing
            generator.context["static_content"].pop(path, None)
        else:
            kept.append(static)
    # In place: the generator's context holds the same list.
    generator.staticfiles[:] = kept


def judge_uploads(generator) -> None:
    """Files under content/images and content/documents are published only when they are what
    those folders allow (``bantin_core.uploads``); SVG images go out sanitized."""
    cache = os.path.join(generator.settings.get("CACHE_PATH", "cache"), "bantin-uploads")
    logo = ((generator.settings.get("AGENCY") or {}).get("logo") or "").strip("/")
    kept = []
    for static in generator.staticfiles:
        path = static.relative_source_path.replace(os.sep, "/")
        folder = path.split("/", 1)[0]
        source = os.path.join(generator.path, static.source_path)
        try:
            # The agency's own logo is not refused: it goes out sanitized whatever it holds.
            reason = None if path == logo else uploads.refusal(folder, path, source)
        except OSError as exc:
            reason = f"Không đọc được tệp: {exc.strerror}"
        if reason is None and path.lower().endswith(".svg"):
            reason = _publish_sanitized(static, source, os.path.join(cache, path))
        if reason is None:
            kept.append(static)
            continue
        generator.context["static_content"].pop(path, None)
        problem_log.report(
            Problem(
                display_path(source),
                None,
                "",
                reason,
                hint="xóa tệp này khỏi thư mục content/; ảnh lưu lại dạng JPEG hoặc PNG, văn bản "
                "dạng PDF",
            )
        )
    # In place: the generator's context holds the same list.
    generator.staticfiles[:] = kept


def _publish_sanitized(static, source: str, target: str) -> str | None:
    """Have Pelican copy the sanitized SVG instead of the upload; the reason it cannot."""
    with open(source, "rb") as handle:
        try:
            clean = uploads.sanitize_svg(handle.read())
        except uploads.UnsafeSvg as exc:
            return f"Tệp SVG không đọc được ({exc}): không được đăng"
    os.makedirs(os.path.dirname(target), exist_ok=True)
    write_atomically(target, clean)
    # Pelican copies from source_path; its address is pinned first (it is worked out from it).
    static.override_save_as, static.override_url = static.save_as, static.url
    static.source_path = os.path.abspath(target)
    return None


def _contents(generators):
    articles, pages, env = [], [], None
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            env = generator.env
            articles += [
                *generator.articles,
                *generator.translations,
                *generator.hidden_articles,
                *generator.hidden_translations,
                *generator.drafts,
                *generator.drafts_translations,
            ]
        elif isinstance(generator, PagesGenerator):
            pages += [
                *generator.pages,
                *generator.translations,
                *generator.hidden_pages,
                *generator.hidden_translations,
                *generator.draft_pages,
                *generator.draft_translations,
            ]
    return articles, pages, env


#: The plugin's name among the users of the build's standby workers, and its key in the
#: build's state (bantin_core.state): the image build whose share cards may still be drawing.
USER = "bantin_images"


def start_workers(generator) -> None:
    """Have the build's standby workers forked while the build process is still small: they
    encode the photos and draw the share cards (bantin_core.forked.build_workers)."""
    if not isinstance(generator, ArticlesGenerator):
        return
    try:
        config = read_config(generator.settings, generator.output_path)
    except SettingsError:
        return  # reported by process_images
    forked.build_workers(generator.settings, USER, config.workers)


def process_images(generators) -> None:
    """Derivatives, pictures in pages, share cards, files into the output."""
    articles, pages, env = _contents(generators)
    if env is None:
        return
    settings = generators[0].settings
    try:
        config = read_config(settings, generators[0].output_path)
    except SettingsError as exc:
        problem_log.report(Problem("pelicanconf.py", None, "", str(exc)))
        return
    macros = env.get_template(FIGURE_TEMPLATE).module
    build = ImageBuild(config, articles, pages, macros, forked.held_workers(settings, USER))
    stats = build.run()
    build_state(settings)[USER] = build
    logger.info(
        "[ảnh] %s ảnh: %s mã hóa mới, %s lấy từ bộ nhớ đệm; %s thẻ chia sẻ (%s vẽ mới)",
        stats.photos,
        stats.encoded,
        stats.from_cache,
        stats.cards,
        stats.cards_drawn,
    )
    # Read by tests and `make` users who wonder why a build took long.
    os.makedirs(config.cache_path, exist_ok=True)
    with open(os.path.join(config.cache_path, "last-build.json"), "w", encoding="utf-8") as f:
        json.dump(asdict(stats), f, indent=1)


def finish_cards(pelican) -> None:
    """End of the build: the share cards drawn in the background go into the output."""
    build = build_state(pelican.settings).pop(USER, None)
    try:
        if build is not None:
            build.finish_cards()
    finally:
        forked.release_build_workers(pelican.settings, USER)


def register():
    state.connect()
    signals.generator_init.connect(start_workers)
    signals.static_generator_finalized.connect(judge_uploads)
    signals.static_generator_finalized.connect(keep_originals_private)
    signals.all_generators_finalized.connect(process_images)
    signals.finalized.connect(finish_cards)
