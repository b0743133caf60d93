"""Photo derivatives with Pillow: pure functions, no Pelican.

One call of :func:`derive` turns one original (a phone JPEG, a PNG, a HEIC) into a folder of
derivatives in the cache: every configured width in WebP and a JPEG (PNG when the photo has
transparency) fallback, an Open Graph crop, and ``meta.json`` describing them. The original is
only read. Orientation from EXIF is applied, colours are converted to sRGB, and nothing of the
original's metadata (EXIF, GPS, XMP, ICC, comments, thumbnails) is written.

Runs in worker processes, so it takes and returns plain data only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import math
import os
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# HEIC from iPhones (pillow-heif); optional so a site without it still builds its JPEGs.
HEIF_SUPPORTED = importlib.util.find_spec("pillow_heif") is not None


def register_heif() -> bool:
    """Let Pillow read HEIC/HEIF; False without pillow-heif. Done on the first photo that
    needs it, not at import: libheif is ≈ 4 MB of every build process, and most sites have
    no HEIC photo."""
    if not HEIF_SUPPORTED:
        return False
    import pillow_heif

    pillow_heif.register_heif_opener()
    return True


def _open(path: str) -> Image.Image:
    """``Image.open``, reading HEIC too (by its content: a HEIC may be named .jpg)."""
    if os.path.splitext(path)[1].lower() in (".heic", ".heif"):
        register_heif()
    try:
        return Image.open(path)
    except UnidentifiedImageError:
        if "HEIF" in Image.OPEN or not register_heif():
            raise
        return Image.open(path)


#: Bump when the output of :func:`derive` changes for the same input and settings.
PIPELINE_VERSION = 2

#: Extensions the pipeline reads; anything else (SVG, PDF) is published as it is.
RASTER_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif"}
)

META_FILE = "meta.json"


@dataclass(frozen=True)
class ImageSettings:
    """Everything that changes the bytes of a derivative (and so the cache key)."""

    widths: tuple[int, ...] = (480, 800, 1200)
    webp_quality: int = 72
    jpeg_quality: int = 78
    max_megapixels: float = 60.0
    full_size: bool = False
    og_width: int = 1200
    og_height: int = 630
    # Lists show photos at 10rem wide, cropped 3:2: twice that for sharp phones.
    thumbnail_width: int = 320
    thumbnail_height: int = 213

    def fingerprint(self) -> str:
        text = json.dumps({**asdict(self), "v": PIPELINE_VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class ImageProblem(Exception):
    """The original cannot become a web photo. ``kind`` picks the Vietnamese message."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def file_digest(path: str) -> str:
    """SHA-256 of a file's bytes, read in blocks (originals are several MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(digest: str, settings: ImageSettings) -> str:
    """The cache folder name: the original's content and the settings, nothing else."""
    return hashlib.sha256(f"{digest}:{settings.fingerprint()}".encode()).hexdigest()[:24]


def target_widths(width: int, widths: tuple[int, ...]) -> list[int]:
    """The configured widths that fit the photo; a smaller photo keeps its own width only."""
    return sorted({min(w, width) for w in widths})


def og_box(width: int, height: int, og_width: int, og_height: int) -> tuple[int, int]:
    """The largest og_width×og_height crop (share card, thumbnail) without enlarging."""
    scale = min(1.0, width / og_width, height / og_height)
    return max(1, round(og_width * scale)), max(1, round(og_height * scale))


def load_web_image(path: str, settings: ImageSettings, largest: int | None) -> Image.Image:
    """Open, check and decode an original: upright, sRGB, RGB or RGBA, with no metadata left.

    ``largest`` is the widest output needed; JPEGs are then decoded at a reduced scale
    (``draft``), which is several times faster for phone photos. ``None`` decodes in full.
    """
    limit = int(settings.max_megapixels * 1_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open(path)
        except FileNotFoundError:
            raise ImageProblem("missing") from None
        except UnidentifiedImageError:
            raise ImageProblem("not_image") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem("too_large", f"{settings.max_megapixels:g}") from None
        except OSError as exc:
            raise ImageProblem("broken", str(exc)) from None
        with image:
            pixels = image.width * image.height
            if pixels > limit:
                raise ImageProblem("too_large", f"{pixels / 1e6:.1f}:{settings.max_megapixels:g}")
            if largest and image.format == "JPEG":
                _draft(image, largest)
            try:
                image.load()
            except OSError as exc:  # "image file is truncated", broken Huffman data, ...
                raise ImageProblem("broken", str(exc)) from None
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
    upright = _to_srgb(upright, icc)
    upright.info = {}  # resize() and copy() carry info (EXIF, XMP, comments) into outputs
    return upright


def _draft(image: Image.Image, largest: int) -> None:
    """Let libjpeg scale down while decoding, staying at least ``largest`` wide once upright."""
    orientation = image.getexif().get(0x0112, 1)
    upright_width = image.height if orientation in (5, 6, 7, 8) else image.width
    if upright_width <= largest:
        return
    scale = largest / upright_width
    image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    alpha = _has_alpha(image)
    mode = "RGBA" if alpha else "RGB"
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if ImageCms.getProfileDescription(source).strip().startswith("sRGB"):
                return image if image.mode == mode else image.convert(mode)
            srgb = ImageCms.createProfile("sRGB")
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(mode)
            if alpha and image.mode == "RGBA":
                rgb = ImageCms.profileToProfile(image.convert("RGB"), source, srgb)
                rgb.putalpha(image.getchannel("A"))
                return rgb
            return ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: treat the pixels as sRGB, as browsers would
    return image if image.mode == mode else image.convert(mode)


def _save(image: Image.Image, path: str, fmt: str, settings: ImageSettings) -> None:
    # No exif=, icc_profile=, xmp= or comment=: the file carries pixels only (sRGB implied).
    if fmt == "webp":
        image.save(path, "WEBP", quality=settings.webp_quality, method=5)
    elif fmt == "png":
        image.save(path, "PNG", optimize=True)
    else:
        image.save(path, "JPEG", quality=settings.jpeg_quality, optimize=True, progressive=True)


def derive(source: str, folder: str, settings: ImageSettings) -> dict:
    """Write every derivative of ``source`` into the cache folder ``folder``; return its meta.

    Written to a temporary sibling first and renamed, so an interrupted build never leaves a
    half-filled folder that a later build would trust. Raises :class:`ImageProblem`.
    """
    image, meta, units = _load_and_plan(source, settings)
    work = new_work(folder)
    try:
        for unit in units:
            _write_unit(image, unit, work, settings)
        finish(work, folder, meta)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return meta


def derive_part(source: str, work: str, settings: ImageSettings, part: int, parts: int) -> dict:
    """Part ``part`` of ``parts`` of :func:`derive`'s files, written into ``work`` (made by
    :func:`new_work`; :func:`finish` once every part is written). One photo's files shared
    out among the workers: a photo saved in the live preview is ready in about half the
    time (0.37 → 0.2 s for the sample's 1600 × 1067 photo on two cores)."""
    image, meta, units = _load_and_plan(source, settings)
    for unit in share(units, parts)[part]:
        _write_unit(image, unit, work, settings)
    return meta


def share(units: list[tuple], parts: int) -> list[list[tuple]]:
    """``units`` shared out into ``parts`` lists of about equal work (pixels written), the
    largest first, each to the least loaded; the same for every part of one photo."""
    shares: list[list[tuple]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for unit in sorted(units, key=lambda u: -u[2]):
        least = loads.index(min(loads))
        loads[least] += unit[2]
        shares[least].append(unit)
    return shares


def new_work(folder: str) -> str:
    """A temporary folder beside the cache folder ``folder``, for its files."""
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(dir=parent, prefix=".tmp-")


def finish(work: str, folder: str, meta: dict) -> None:
    """Every file is in ``work``: its meta too, then it becomes the cache folder ``folder``."""
    with open(os.path.join(work, META_FILE), "w", encoding="utf-8") as handle:
        json.dump(meta, handle, sort_keys=True)
    try:
        os.rename(work, folder)
    except OSError:  # another build finished the same photo first: keep theirs
        shutil.rmtree(work, ignore_errors=True)


def _load_and_plan(source: str, settings: ImageSettings):
    """The decoded photo, its meta, and the files to write as units ``(kind, size, pixels)``:
    a width (its WebP and fallback), the share card, the thumbnail, the full size."""
    largest = None if settings.full_size else max(*settings.widths, settings.og_width)
    image = load_web_image(source, settings, largest)
    # The decoded size: draft() may have halved a phone photo, never below the widest output.
    width, height = image.size
    fallback = "png" if image.mode == "RGBA" else "jpg"
    units, variants = [], []
    for target in target_widths(width, settings.widths):
        size = (target, max(1, round(height * target / width)))
        units.append(("width", size, 2 * size[0] * size[1]))
        variants.append({"width": size[0], "height": size[1], **_variant_names(target, fallback)})
    og_size = og_box(width, height, settings.og_width, settings.og_height)
    thumb_size = og_box(width, height, settings.thumbnail_width, settings.thumbnail_height)
    units.append(("og", og_size, og_size[0] * og_size[1]))
    units.append(("thumb", thumb_size, thumb_size[0] * thumb_size[1]))
    meta = {
        "width": width,
        "height": height,
        "fallback": fallback,
        "variants": variants,
        "og": {"file": "og.jpg", "width": og_size[0], "height": og_size[1]},
        "thumbnail": {"file": "thumb.webp", "width": thumb_size[0], "height": thumb_size[1]},
        "full": None,
    }
    if settings.full_size:
        units.append(("full", (width, height), width * height))
        meta["full"] = {"file": f"full.{fallback}", "width": width, "height": height}
    return image, meta, units


def _variant_names(target: int, fallback: str) -> dict:
    return {"webp": f"{target}.webp", "fallback": f"{target}.{fallback}"}


def _write_unit(image: Image.Image, unit: tuple, work: str, settings: ImageSettings) -> None:
    kind, size, _pixels = unit
    fallback = "png" if image.mode == "RGBA" else "jpg"
    if kind == "width":
        resized = image if size == image.size else image.resize(size, Image.LANCZOS)
        resized.info = {}
        names = _variant_names(size[0], fallback)
        _save(resized, os.path.join(work, names["webp"]), "webp", settings)
        _save(resized, os.path.join(work, names["fallback"]), fallback, settings)
    elif kind == "og":
        og = ImageOps.fit(image.convert("RGB"), size, Image.LANCZOS)
        og.info = {}
        _save(og, os.path.join(work, "og.jpg"), "jpg", settings)
    elif kind == "thumb":
        thumb = ImageOps.fit(image, size, Image.LANCZOS)
        thumb.info = {}
        _save(thumb, os.path.join(work, "thumb.webp"), "webp", settings)
    else:
        _save(image, os.path.join(work, f"full.{fallback}"), fallback, settings)


def read_meta(folder: str) -> dict | None:
    """The meta of a finished cache folder, or None when it is not (yet) there."""
    try:
        with open(os.path.join(folder, META_FILE), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def derive_job(source: str, folder: str, settings: ImageSettings, part=None, parts=1):
    """Worker entry point: ``("ok", meta)`` or ``("problem", kind, detail)`` (plain, picklable).
    With ``part``: :func:`derive_part` into the work folder ``folder``."""
    try:
        if part is not None:
            return ("ok", derive_part(source, folder, settings, part, parts))
        return ("ok", derive(source, folder, settings))
    except ImageProblem as exc:
        return ("problem", exc.kind, exc.detail)
    except Exception as exc:  # an unexpected decoder failure is still this photo's problem
        return ("problem", "broken", f"{type(exc).__name__}: {exc}")
