"""bantin_images.pipeline: derivatives from generated phone-like photos, and every bad input.

The photo makers here are also used by the site and browser tests of the plugin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageDraw

from bantin_images.pipeline import (
    HEIF_SUPPORTED,
    ImageSettings,
    cache_key,
    derive,
    derive_job,
    finish,
    new_work,
    og_box,
    read_meta,
    target_widths,
)

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
GPS = {1: "N", 2: (9.0, 47.0, 3.5), 3: "E", 4: (105.0, 28.0, 12.0)}  # Vị Thanh, Hậu Giang
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>9,47N</exif:GPSLatitude></x:xmpmeta>'


def photo_pixels(size=(1600, 1200)) -> Image.Image:
    """A landscape "photo": left half red, right half blue, with some texture to encode."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 2 - 1, height), fill=(200, 30, 30))
    draw.rectangle((width // 2, 0, width, height), fill=(30, 60, 200))
    for i in range(0, width, 37):
        draw.line((i, 0, width - i, height), fill=(240, 220, 90), width=3)
    return image


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera, GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 12"
    exif[0x8825] = GPS
    return exif


def make_phone_jpeg(path: Path, size=(1600, 1200), orientation: int = 6) -> Path:
    """A JPEG stored landscape with orientation 6 (rotate 90° on display), GPS, XMP, ICC."""
    path.parent.mkdir(parents=True, exist_ok=True)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo_pixels(size).save(
        path, "JPEG", quality=92, exif=phone_exif(orientation), icc_profile=icc, xmp=XMP,
        comment=b"Camera owner: Nguyen Van A",
    )  # fmt: skip
    return path


def make_heic(path: Path, size=(1200, 900)) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()  # to write one; the pipeline reads it on its own
    path.parent.mkdir(parents=True, exist_ok=True)
    photo_pixels(size).save(path, "HEIF", quality=80, exif=phone_exif(1))
    return path


def make_png_with_alpha(path: Path, size=(640, 480)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = photo_pixels(size).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize(size))
    image.save(path, "PNG")
    return path


def make_truncated_jpeg(path: Path) -> Path:
    make_phone_jpeg(path, orientation=1)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_not_an_image(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Đây là văn bản, không phải ảnh.\n", encoding="utf-8")
    return path


def make_large_png(path: Path, size=(4000, 3000)) -> Path:
    """12 megapixels of one colour: tiny on disk, big once decoded (a small "bomb")."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", size, 128).save(path, "PNG", optimize=True)
    return path


def assert_no_metadata(path: Path) -> None:
    """Nothing but pixels: no EXIF (so no GPS, camera, thumbnail), XMP, ICC or comment."""
    with Image.open(path) as image:
        assert not image.getexif(), path
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"):
            assert key not in image.info, (path, key)
    data = path.read_bytes()
    for marker in (b"Exif\x00\x00", b"GPS", b"iPhone", b"Nguyen Van A", b"xmpmeta"):
        assert marker not in data, (path, marker)


SETTINGS = ImageSettings(widths=(480, 800, 1200))


@pytest.mark.parametrize(
    ("width", "widths", "expected"),
    [
        (4000, (480, 800, 1200), [480, 800, 1200]),
        (1000, (480, 800, 1200), [480, 800, 1000]),
        (800, (480, 800, 1200), [480, 800]),
        (300, (480, 800, 1200), [300]),
        (1200, (1200, 480), [480, 1200]),
    ],
)
def test_target_widths_never_enlarge(width, widths, expected):
    assert target_widths(width, widths) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [((4000, 3000), (1200, 630)), ((600, 600), (600, 315)), ((1200, 300), (571, 300))],
)
def test_og_box_is_the_card_ratio_without_enlarging(size, expected):
    assert og_box(*size, 1200, 630) == expected


def test_rotated_phone_photo_is_upright_small_and_clean(tmp_path):
    original = make_phone_jpeg(tmp_path / "in" / "hoi-nghi.jpg", size=(1600, 1200))
    before = original.read_bytes()
    folder = tmp_path / "cache" / "key"
    meta = derive(str(original), str(folder), SETTINGS)

    assert original.read_bytes() == before, "the original is never modified"
    # Stored 1600×1200 with orientation 6: shown 1200 wide, 1600 high.
    assert (meta["width"], meta["height"]) == (1200, 1600)
    assert [(v["width"], v["height"]) for v in meta["variants"]] == [
        (480, 640),
        (800, 1067),
        (1200, 1600),
    ]
    assert meta["og"] == {"file": "og.jpg", "width": 1200, "height": 630}
    assert meta["thumbnail"] == {"file": "thumb.webp", "width": 320, "height": 213}
    for variant in meta["variants"]:
        for kind, fmt in (("webp", "WEBP"), ("fallback", "JPEG")):
            path = folder / variant[kind]
            with Image.open(path) as image:
                assert image.format == fmt
                assert image.size == (variant["width"], variant["height"])
                assert image.mode == "RGB"
                # The red left half of the stored image is the top once turned upright.
                top = image.getpixel((image.width // 2, image.height // 8))
                bottom = image.getpixel((image.width // 2, image.height * 7 // 8))
                assert top[0] > 150 > top[2], top
                assert bottom[2] > 150 > bottom[0], bottom
            assert_no_metadata(path)
    for extra in ("og.jpg", "thumb.webp"):
        assert_no_metadata(folder / extra)
    assert read_meta(str(folder)) == meta
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [v[k] for v in meta["variants"] for k in ("webp", "fallback")]
        + ["og.jpg", "thumb.webp", "meta.json"]
    )


def test_small_photo_keeps_its_size(tmp_path):
    original = make_phone_jpeg(tmp_path / "nho.jpg", size=(400, 300), orientation=1)
    meta = derive(str(original), str(tmp_path / "out"), SETTINGS)
    assert [(v["width"], v["height"]) for v in meta["variants"]] == [(400, 300)]
    assert meta["og"]["width"] <= 400


def test_transparent_png_falls_back_to_png(tmp_path):
    meta = derive(str(make_png_with_alpha(tmp_path / "so-do.png")), str(tmp_path / "o"), SETTINGS)
    assert meta["fallback"] == "png"
    with Image.open(tmp_path / "o" / meta["variants"][0]["fallback"]) as image:
        assert image.format == "PNG" and image.mode == "RGBA"
    with Image.open(tmp_path / "o" / meta["variants"][0]["webp"]) as image:
        assert image.mode == "RGBA"


def test_full_size_only_when_configured(tmp_path):
    original = make_phone_jpeg(tmp_path / "a.jpg", size=(2000, 1500), orientation=1)
    meta = derive(str(original), str(tmp_path / "o"), SETTINGS)
    assert meta["full"] is None
    full = ImageSettings(widths=(480,), full_size=True)
    meta = derive(str(original), str(tmp_path / "f"), full)
    assert meta["full"]["width"] == 2000
    assert_no_metadata(tmp_path / "f" / meta["full"]["file"])


@pytest.mark.skipif(not HEIF_SUPPORTED, reason="pillow-heif is not installed")
def test_heic_from_an_iphone_becomes_webp_and_jpeg(tmp_path):
    meta = derive(str(make_heic(tmp_path / "iphone.heic")), str(tmp_path / "o"), SETTINGS)
    assert [v["width"] for v in meta["variants"]] == [480, 800, 1200]
    for variant in meta["variants"]:
        for kind in ("webp", "fallback"):
            assert_no_metadata(tmp_path / "o" / variant[kind])


@pytest.mark.skipif(not HEIF_SUPPORTED, reason="pillow-heif is not installed")
def test_a_heic_named_jpg_is_read_by_its_content(tmp_path):
    heic = make_heic(tmp_path / "a.heic")
    named_jpg = heic.rename(tmp_path / "anh-dien-thoai.jpg")
    # A new process, as a build that has met no HEIC photo yet (no HEIF opener registered).
    script = (
        "import sys; from bantin_images.pipeline import derive, ImageSettings; "
        "from PIL import Image; assert 'HEIF' not in Image.OPEN; "
        "print([v['width'] for v in derive(sys.argv[1], sys.argv[2], ImageSettings())"
        "['variants']])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(named_jpg), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PLUGINS)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[480, 800, 1200]"


@pytest.mark.parametrize(
    ("make", "settings", "kind"),
    [
        (lambda p: p, SETTINGS, "missing"),
        (make_not_an_image, SETTINGS, "not_image"),
        (make_truncated_jpeg, SETTINGS, "broken"),
        (make_large_png, ImageSettings(max_megapixels=10), "too_large"),
    ],
    ids=["missing", "not-an-image", "truncated", "decompression-bomb"],
)
def test_bad_input_is_a_problem_not_a_crash(tmp_path, make, settings, kind):
    source = make(tmp_path / "anh.jpg")
    folder = tmp_path / "cache" / "k"
    result = derive_job(str(source), str(folder), settings)
    assert result[:2] == ("problem", kind)
    assert not folder.exists(), "nothing half-written is left for the next build to trust"
    assert not list((tmp_path / "cache").glob(".tmp-*")) if (tmp_path / "cache").exists() else True


@pytest.mark.parametrize("parts", [2, 3])
@pytest.mark.parametrize(
    ("make", "settings"),
    [
        (lambda p: make_phone_jpeg(p, size=(1600, 1200), orientation=6), SETTINGS),
        (make_png_with_alpha, SETTINGS),
        (lambda p: make_phone_jpeg(p, size=(400, 300), orientation=1), SETTINGS),
        (make_phone_jpeg, ImageSettings(widths=(480,), full_size=True)),
    ],
    ids=["rotated-phone", "transparent-png", "small", "full-size"],
)
def test_a_photo_shared_out_in_parts_is_the_same_folder(tmp_path, make, settings, parts):
    """One photo's files written by several workers (derive_part), then finished: the same
    files, byte for byte, and the same meta as one derive."""
    source = str(make(tmp_path / "anh.jpg"))
    whole = tmp_path / "whole" / "k"
    meta = derive(source, str(whole), settings)
    folder = tmp_path / "parts" / "k"
    work = new_work(str(folder))
    results = [derive_job(source, work, settings, part, parts) for part in range(parts)]
    assert all(r == ("ok", meta) for r in results)
    finish(work, str(folder), results[0][1])
    assert not Path(work).exists()
    files = {p.name: p.read_bytes() for p in whole.iterdir()}
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert read_meta(str(folder)) == meta


def test_a_part_of_a_broken_photo_is_its_problem(tmp_path):
    folder = tmp_path / "cache" / "k"
    work = new_work(str(folder))
    result = derive_job(str(make_truncated_jpeg(tmp_path / "a.jpg")), work, SETTINGS, 1, 2)
    assert result[:2] == ("problem", "broken")


def test_bomb_message_gives_size_and_limit(tmp_path):
    result = derive_job(
        str(make_large_png(tmp_path / "a.png")),
        str(tmp_path / "k"),
        ImageSettings(max_megapixels=5),
    )
    assert result == ("problem", "too_large", "12.0:5")


def test_cache_key_follows_content_and_settings():
    key = cache_key("abc", SETTINGS)
    assert key == cache_key("abc", ImageSettings(widths=(480, 800, 1200)))
    assert key != cache_key("abd", SETTINGS)
    assert key != cache_key("abc", ImageSettings(widths=(480, 960)))
    assert key != cache_key("abc", ImageSettings(webp_quality=60))


def test_meta_is_plain_json(tmp_path):
    original = make_phone_jpeg(tmp_path / "a.jpg", size=(900, 600), orientation=1)
    derive(str(original), str(tmp_path / "o"), SETTINGS)
    meta = json.loads((tmp_path / "o" / "meta.json").read_text())
    assert meta["variants"][-1] == {
        "width": 900,
        "height": 600,
        "webp": "900.webp",
        "fallback": "900.jpg",
    }
    assert os.path.getsize(tmp_path / "o" / "900.webp") < os.path.getsize(original)
