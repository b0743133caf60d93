"""One build's photos: find them in the content, encode what the cache lacks, fill the pages.

Runs once all content is read (``all_generators_finalized``; the output folder is already
clean then): every photo used by an article or page is hashed, looked up in the cache, and
only the missing ones are encoded, on the build's standby workers (bantin_core.forked; on
workers forked for them without). Bodies get their ``<img>`` replaced by the
theme's picture macros, articles get ``image_picture`` (hero) and ``og_image`` (share card or
cropped photo), and the derivatives used are hard-linked (or copied) into the output.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field

from pelican.contents import Content

from bantin_core import forked
from bantin_core.files import link_or_copy
from bantin_core.problems import Problem, problem_log
from bantin_core.slug import slug
from bantin_frontmatter.reader import display_path

from . import markup
from .cards import CardText, card_keys, cards_job, rasterize_logo
from .pipeline import (
    RASTER_EXTENSIONS,
    cache_key,
    derive_job,
    file_digest,
    finish,
    new_work,
    read_meta,
)
from .settings import Config

logger = logging.getLogger("bantin.images")

#: At most this many workers share one photo's files (it has five: three widths, share card,
#: thumbnail).
MAX_PARTS = 3

#: Vietnamese message and hint for each kind of bad photo.
MESSAGES = {
    "missing": (
        "Không tìm thấy tệp ảnh",
        "kiểm tra tên tệp và thư mục, kể cả chữ hoa, chữ thường và đuôi .jpg; đường dẫn tính "
        "từ thư mục content/, ví dụ images/2021/hoi-nghi.jpg",
    ),
    "not_image": (
        "Tệp không phải là ảnh, hoặc là loại ảnh chưa được hỗ trợ",
        "lưu lại ảnh dưới dạng JPEG (.jpg), PNG, WebP hoặc HEIC rồi chép vào content/images/",
    ),
    "broken": (
        "Tệp ảnh bị hỏng hoặc chưa được chép hết (tệp bị cắt cụt)",
        "chép lại ảnh gốc từ điện thoại hoặc máy ảnh, mở thử trên máy tính rồi dựng lại",
    ),
    "too_large": (
        "Ảnh quá lớn: {size} megapixel, vượt giới hạn {limit} megapixel",
        "thu nhỏ ảnh (rộng khoảng 4000 điểm ảnh là đủ) hoặc, nếu ảnh đúng là cần, tăng "
        "BANTIN_IMAGES_MAX_MEGAPIXELS trong pelicanconf.py",
    ),
    "no_alt": (
        "Ảnh chưa có mô tả (alt) cho người khiếm thị",
        "viết mô tả ngắn trong ngoặc vuông, ví dụ ![Quang cảnh hội nghị](images/2021/anh.jpg)",
    ),
}


@dataclass(frozen=True)
class Picture:
    """What the figure macros need to draw one photo; URLs are final.

    A photo from another site has ``src`` only (no srcset, no size).
    """

    src: str
    width: int | None = None
    height: int | None = None
    webp_srcset: str | None = None
    fallback_srcset: str | None = None
    sizes: str | None = None
    full_url: str | None = None


@dataclass
class Derived:
    """One original's derivatives in the cache."""

    path: str  # content-relative original, e.g. images/2021/a.jpg
    key: str
    meta: dict
    _files: list | None = field(default=None, repr=False, compare=False)

    def _name(self, suffix: str, cache_file: str) -> str:
        folder, stem = os.path.split(self.path)
        ext = cache_file.rsplit(".", 1)[1]
        parts = [_slug(p) for p in folder.split("/") if p]
        return "/".join(
            [*parts, f"{_slug(os.path.splitext(stem)[0])}-{suffix}.{self.key[:8]}.{ext}"]
        )

    def files(self) -> list[tuple[str, str]]:
        """(cache file name, output path) of every derivative (asked for on every page that
        shows the photo: worked out once)."""
        if self._files is None:
            self._files = self._list_files()
        return self._files

    def _list_files(self) -> list[tuple[str, str]]:
        pairs = []
        for variant in self.meta["variants"]:
            for kind in ("webp", "fallback"):
                pairs.append((variant[kind], self._name(str(variant["width"]), variant[kind])))
        for kind, suffix in (("og", "og"), ("thumbnail", "nho")):
            pairs.append((self.meta[kind]["file"], self._name(suffix, self.meta[kind]["file"])))
        if self.meta.get("full"):
            pairs.append((self.meta["full"]["file"], self._name("goc", self.meta["full"]["file"])))
        return pairs

    def picture(self, siteurl: str, sizes: str) -> Picture:
        names = dict(self.files())
        variants = self.meta["variants"]

        def srcset(kind):
            return ", ".join(f"{siteurl}/{names[v[kind]]} {v['width']}w" for v in variants)

        # Browsers without srcset get a middle size; the rest choose for themselves.
        middle = ([v for v in variants if v["width"] <= 800] or variants)[-1]
        largest = variants[-1]
        full = self.meta.get("full")
        return Picture(
            src=f"{siteurl}/{names[middle['fallback']]}",
            width=largest["width"],
            height=largest["height"],
            webp_srcset=srcset("webp"),
            fallback_srcset=srcset("fallback"),
            sizes=sizes,
            full_url=f"{siteurl}/{names[full['file']]}" if full else None,
        )

    def og(self) -> tuple[str, int, int]:
        og = self.meta["og"]
        return self._name("og", og["file"]), og["width"], og["height"]


def _files_in(folder: str) -> set[str]:
    """``"sub/name"`` of every file one level down in ``folder`` (none if it is missing)."""
    found = set()
    try:
        subfolders = [entry for entry in os.scandir(folder) if entry.is_dir()]
    except FileNotFoundError:
        return found
    for sub in subfolders:
        found.update(f"{sub.name}/{entry.name}" for entry in os.scandir(sub.path))
    return found


def _slug(text: str) -> str:
    """ASCII file names for URLs: "Ảnh Hội nghị 1" → "anh-hoi-nghi-1"."""
    return slug(text) or "anh"


def is_raster(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in RASTER_EXTENSIONS


class DigestIndex:
    """Remembers each original's SHA-256 by size and mtime, so unchanged photos are not reread.

    A changed mtime (git checkout) only costs a rehash: the cache itself is keyed by content.
    """

    def __init__(self, path: str):
        self.path = path
        try:
            with open(path, encoding="utf-8") as handle:
                self.entries = json.load(handle)
        except (OSError, ValueError):
            self.entries = {}
        self.used: dict = {}

    def digest(self, full: str, key: str) -> str:
        stat = os.stat(full)
        entry = self.entries.get(key)
        if entry and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns:
            digest = entry[2]
        else:
            digest = file_digest(full)
        self.used[key] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def save(self) -> None:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        temporary = f"{self.path}.tmp{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(self.used, handle, sort_keys=True)
        os.replace(temporary, self.path)


class Progress:
    """Progress on stderr ("Ảnh: 37/120"): in place on a terminal, every tenth step otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty()
        self.every = max(1, total // 10)

    def step(self, count: int = 1) -> None:
        before = self.done
        self.done += count
        last = self.done == self.total
        if self.tty:
            print(f"\rẢnh: {self.done}/{self.total}", end="\n" if last else "", file=sys.stderr)
        elif last or self.done // self.every != before // self.every:
            print(f"Ảnh: {self.done}/{self.total}", file=sys.stderr)
        sys.stderr.flush()


def run_jobs(jobs: list, workers: int, counts: list[int] | None = None) -> list:
    """Run ``(function, args)`` jobs on ``workers`` processes (bantin_core.forked.run_calls: one
    process when ``workers`` is 1); results in job order.

    ``counts``: how many photos or cards each job does, for the progress line (1 each if None).
    """
    if not jobs:
        return []
    counts = counts or [1] * len(jobs)
    progress = Progress(sum(counts))
    return forked.run_calls(
        jobs, workers, step=lambda i: progress.step(counts[i]), what="Photo work"
    )


def batches(items: list, workers: int, largest: int = 64) -> list[list]:
    """``items`` in batches: a few per worker (so both cores finish together), at most ``largest``.

    A card costs about a millisecond, as much as sending one job to a worker and back.
    """
    if not items:
        return []
    size = max(1, min(largest, -(-len(items) // (4 * max(1, workers)))))
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class Use:
    """One place a photo is used: the content object, and where (hero or body)."""

    content: object
    field: str  # "image" for the front-matter photo, "" for the body
    written: str  # the path as staff wrote it


@dataclass
class Stats:
    photos: int = 0
    encoded: int = 0
    shared_out: int = 0  # of the encoded: each one's files written by several workers
    from_cache: int = 0
    cards: int = 0
    cards_drawn: int = 0
    problems: int = 0


class ImageBuild:
    """The photo work of one build. ``run`` does it all; the steps are separate for tests."""

    def __init__(self, config: Config, articles: list, pages: list, macros, standby=None):
        self.config = config
        self.articles = articles
        self.contents = [*articles, *pages]
        self.macros = macros
        self.uses: dict[str, list[Use]] = {}
        self.derived: dict[str, Derived] = {}
        self.failed: set[str] = set()
        self.outputs: dict[str, str] = {}  # output path -> cache file
        self.card_outputs: dict[str, str] = {}  # the same, for share cards
        # Workers forked when the build started (Standby), or None: a pool forked now.
        self.standby = standby
        self.card_calls: list[int] = []  # the share cards the standby workers are drawing
        self.stats = Stats()

    def run(self) -> Stats:
        self.collect()
        photo_jobs, pending = self.plan_photos()
        card_jobs, card_counts = self.plan_cards()
        if self.standby is not None:
            return self._run_on_standby(photo_jobs, pending, card_jobs)
        # No standby workers (one core, or an ImageBuild made on its own): photos and cards
        # together, one set of workers and one progress line.
        counts = [1] * len(photo_jobs) + card_counts
        results = run_jobs(photo_jobs + card_jobs, self.config.workers, counts)
        self.take_photos(pending, results[: len(photo_jobs)])
        self.fill_pages()
        self.publish()
        return self.stats

    def _run_on_standby(self, photo_jobs: list, pending: list, card_jobs: list) -> Stats:
        """:meth:`run` with the workers forked when the build started: the photos are waited
        for, the share cards are drawn while the build goes on (finish_cards)."""
        standby = self.standby
        # A photo's work grows with its file (pixels); a batch of cards with its cards.
        calls = standby.submit(photo_jobs, [_size(args[0]) for _function, args in photo_jobs])
        # Sent now: a worker draws its cards as soon as its photos are done.
        self.card_calls = standby.submit(card_jobs, [len(args[0]) for _function, args in card_jobs])
        # One step per photo: a photo shared out among the workers counts once, at its last part.
        parts = [split[2] if split else 1 for _path, _key, split in pending]
        counts = [int(part == n - 1) for n in parts for part in range(n)]
        progress = Progress(len(pending))
        results = standby.results(calls, step=lambda position: progress.step(counts[position]))
        self.take_photos(pending, results)
        self.fill_pages()
        self.publish()
        return self.stats

    def finish_cards(self) -> None:
        """Wait for the cards drawn in the background and put them in the output."""
        if self.card_calls:
            calls, self.card_calls = self.card_calls, []
            self.standby.results(calls)
            self._link(self.card_outputs)

    # --- 1. which photos are used, and where -------------------------------------------------
    def collect(self) -> None:
        for content in self.contents:
            hero = content.metadata.get("image")
            if hero and is_raster(hero):
                self._use(hero, Use(content, "image", hero))
            for image in markup.find_images(content._content):
                if not (image.alt or "").strip():
                    self.report(content, "", image.src, "no_alt")
                if markup.is_external(image.src):
                    continue
                path = markup.resolve_source(
                    image.src, self.config.content_path, content.source_path
                )
                if path is None:
                    self.report(content, "", image.src, "missing")
                elif is_raster(path):
                    self._use(path, Use(content, "", image.src))

    def _use(self, path: str, use: Use) -> None:
        self.uses.setdefault(path, []).append(use)

    # --- 2. derivatives: from the cache, or encoded on every core -----------------------------
    def plan_photos(self) -> tuple[list, list]:
        """Jobs for the photos the cache lacks; cached ones are taken at once. Fewer photos
        than workers (a photo saved in the live preview): each photo's files are shared out
        among the workers (:func:`.pipeline.derive_part`)."""
        config = self.config
        index = DigestIndex(os.path.join(config.cache_path, "digests.json"))
        missing = []
        for path in sorted(self.uses):
            full = os.path.join(config.content_path, path)
            try:
                digest = index.digest(full, path)
            except OSError:
                self._fail(path, "missing")
                continue
            key = cache_key(digest, config.image)
            folder = self._folder(key)
            meta = read_meta(folder)
            if meta is not None:
                self.derived[path] = Derived(path, key, meta)
                self.stats.from_cache += 1
            else:
                missing.append((path, key, full, folder))
        self.stats.photos = len(self.uses)
        index.save()
        workers = len(self.standby.workers) if self.standby is not None else 1
        parts = min(MAX_PARTS, workers // len(missing)) if missing else 1
        jobs, pending = [], []
        for path, key, full, folder in missing:
            if parts > 1:
                work = new_work(folder)
                jobs += [(derive_job, (full, work, config.image, p, parts)) for p in range(parts)]
                pending.append((path, key, (work, folder, parts)))
            else:
                jobs.append((derive_job, (full, folder, config.image)))
                pending.append((path, key, None))
        return jobs, pending

    def take_photos(self, pending: list, results: list) -> None:
        results = iter(results)
        for path, key, split in pending:
            if split is None:
                result = next(results)
            else:  # every part's result: the first problem, or the folder finished
                work, folder, parts = split
                answers = [next(results) for _ in range(parts)]
                result = next((r for r in answers if r[0] != "ok"), answers[0])
                if result[0] == "ok":
                    finish(work, folder, result[1])
                    self.stats.shared_out += 1
                else:
                    shutil.rmtree(work, ignore_errors=True)
            if result[0] == "ok":
                self.derived[path] = Derived(path, key, result[1])
                self.stats.encoded += 1
            else:
                self._fail(path, result[1], result[2])

    def _folder(self, key: str) -> str:
        return os.path.join(self.config.cache_path, "photos", key[:2], key)

    def _fail(self, path: str, kind: str, detail: str = "") -> None:
        self.failed.add(path)
        for use in self.uses[path]:
            self.report(use.content, use.field, use.written, kind, detail)

    # --- 3. pages: pictures in bodies, hero pictures, og:image of photos ---------------------
    def fill_pages(self) -> None:
        config = self.config
        changed: set[int] = set()
        for content in self.contents:
            hero = content.metadata.get("image")
            derived = self.derived.get(hero) if hero else None
            if derived:
                content.image_picture = derived.picture(config.siteurl, config.sizes)
            elif hero and not is_raster(hero):  # an SVG is published as it is
                content.image_picture = Picture(src=f"{config.siteurl}/{hero}")
            else:
                content.image_picture = None  # no photo, or a bad one (reported)
            if derived:
                content.og_image, content.og_image_width, content.og_image_height = derived.og()
                # Lists show a small decorative copy (alt=""), cropped 3:2: WebP is enough.
                content.thumbnail = dict(derived.files())[derived.meta["thumbnail"]["file"]]
                content.og_image_alt = content.metadata.get("image_alt")
            body = content._content
            if "<img" in body:
                eager_index = None if content.image_picture else 0
                content._content = markup.rewrite_body(body, self._renderer(content, eager_index))
                changed.add(id(content))
        _forget_rendered(changed)

    def _renderer(self, content, eager_index):
        config = self.config

        def picture_for(image: markup.BodyImage, sizes: str) -> Picture | None:
            if markup.is_external(image.src):
                return Picture(src=image.src)
            path = markup.resolve_source(image.src, config.content_path, content.source_path)
            if path is None or path in self.failed:
                return None  # reported; the rest of the page is still built
            if path not in self.derived:  # SVG and other files published as they are
                return Picture(src=f"{config.siteurl}/{path}")
            return self.derived[path].picture(config.siteurl, sizes)

        def render(kind: str, images: list, first: int) -> str:
            sizes = config.gallery_sizes if kind == "gallery" else config.sizes
            items = []
            for offset, image in enumerate(images):
                picture = picture_for(image, sizes)
                if picture is not None:
                    eager = eager_index == first + offset
                    items.append((picture, image.alt or "", image.title, eager))
            if not items:
                return ""
            if kind == "inline":
                picture, alt, _title, eager = items[0]
                return str(self.macros.bt_picture(picture, alt, eager))
            if kind == "figure" or len(items) == 1:
                return str(self.macros.bt_figure(*items[0]))
            return str(self.macros.bt_gallery(items))

        return render

    # --- 4. share cards for articles without a photo -----------------------------------------
    def plan_cards(self) -> tuple[list, list[int]]:
        """Give every article without a photo its card; jobs for the cards not yet drawn.

        The cards are sent in batches, with the style, font and logo once per batch; returns
        the jobs and how many cards each draws.
        """
        config = self.config
        if not config.cards:
            return [], []
        font_digest = file_digest(config.card_font)
        logo_png = self._logo_png(config.card_logo) if config.card_logo else None
        logo_digest = file_digest(config.card_logo) if logo_png else ""
        todo: dict[str, CardText] = {}
        card_key = card_keys(config.card_style, font_digest, logo_digest)
        folder = os.path.join(config.cache_path, "cards")
        drawn = _files_in(folder)  # one listing, not a stat per article
        for article in self.articles:
            if is_raster(article.metadata.get("image") or ""):
                continue  # its og:image is a crop of the photo
            text = CardText(str(article.title), config.agency_name, config.site_host)
            key = card_key(text)
            cached = os.path.join(folder, key[:2], f"{key}.jpg")
            name = f"{config.card_folder}/{_slug(article.slug)}.{key[:8]}.jpg"
            article.og_image = name
            article.og_image_width = config.card_style.width
            article.og_image_height = config.card_style.height
            article.og_image_alt = str(article.title)
            self.card_outputs[name] = cached
            self.stats.cards += 1
            if f"{key[:2]}/{key}.jpg" not in drawn:
                todo[cached] = text  # two articles with the same title share a card
        self.stats.cards_drawn = len(todo)
        groups = batches(list(todo.items()), config.workers)
        jobs = [(cards_job, (g, config.card_style, config.card_font, logo_png)) for g in groups]
        return jobs, [len(g) for g in groups]

    def _logo_png(self, path: str) -> bytes | None:
        if self.standby is None:
            return rasterize_logo(path)
        # In a worker: resvg is 0.9 MB of the process that holds the whole site.
        return self.standby.results(self.standby.submit([(rasterize_logo, (path,))]))[0]

    # --- 5. the derivatives used go into the output -----------------------------------------
    def publish(self) -> None:
        for derived in self.derived.values():
            folder = self._folder(derived.key)
            for cache_file, name in derived.files():
                self.outputs[name] = os.path.join(folder, cache_file)
        self._link(self.outputs)
        if not self.card_calls:
            self._link(self.card_outputs)

    def _link(self, outputs: dict[str, str]) -> None:
        output = self.config.output_path
        for name, cached in sorted(outputs.items()):
            link_or_copy(cached, os.path.join(output, name))

    # --- problems ---------------------------------------------------------------------------
    def report(self, content, field: str, written: str, kind: str, detail: str = "") -> None:
        message, hint = MESSAGES[kind]
        if kind == "too_large":
            size, _, limit = detail.rpartition(":")
            message = message.format(size=size or "hơn giới hạn", limit=limit)
        line = _line_of(content.source_path, "image:" if field else written, at_start=bool(field))
        problem_log.report(
            Problem(
                display_path(content.source_path),
                line,
                field,
                message,
                found=written,
                hint=hint,
            )
        )
        self.stats.problems += 1


def _line_of(path: str, needle: str, *, at_start: bool = False) -> int | None:
    """The first line of a content file containing ``needle`` (for editors' go-to-line)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, 1):
                if line.startswith(needle) if at_start else needle in line:
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _forget_rendered(changed: set[int]) -> None:
    """Drop Pelican's memoized HTML of the content objects whose body we just changed.

    A plugin may have read ``content`` before us; Pelican memoizes it per object and site URL.
    """
    if not changed:
        return
    for method in (Content.get_content, Content.get_summary):
        cache = getattr(method, "cache", {})
        for key in [k for k in cache if k and id(k[0]) in changed]:
            del cache[key]
