"""bantin_images in a real Pelican build of tests/sites/images, with photos made by the test.

The site's Markdown is committed; its photos are generated here (a rotated phone JPEG with GPS,
an iPhone HEIC, a transparent PNG, ...), so the repository stays small.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from bantin_images.pipeline import derive
from tests.conftest import SITES, build_site
from tests.test_images_pipeline import (
    SETTINGS,
    assert_no_metadata,
    make_heic,
    make_large_png,
    make_not_an_image,
    make_phone_jpeg,
    make_png_with_alpha,
    make_truncated_jpeg,
)

pytestmark = pytest.mark.slow
ARTICLE = "2021/07/hoi-nghi-so-ket-6-thang-2021/index.html"
NO_PHOTO = "2021/07/thong-bao-ban-dau-gia-nga-bay/index.html"
PAGE = "gioi-thieu/index.html"
ORIGINALS = {
    "hoi-nghi.jpg": lambda p: make_phone_jpeg(p, size=(2400, 1800), orientation=6),
    "phat-bieu.jpg": lambda p: make_phone_jpeg(p, size=(1800, 1200), orientation=1),
    "dai-bieu-1.jpg": lambda p: make_phone_jpeg(p, size=(1600, 1200), orientation=3),
    "dai-bieu-2.jpg": lambda p: make_phone_jpeg(p, size=(1200, 900), orientation=8),
    "iphone.heic": make_heic,
    "so-do.png": make_png_with_alpha,
}


def make_site(root):
    """A copy of tests/sites/images with its photos generated."""
    content = root / "content"
    shutil.copytree(SITES / "images", content)
    for name, make in ORIGINALS.items():
        make(content / "images" / "2021" / name)
    return content


def build(content, output, cache, *settings):
    """Build with a cache of our own. Settings are KEY=JSON: they join conftest's one ``-e``
    (a second ``-e`` would replace it, CACHE_PATH included)."""
    return build_site(content, output, f'BANTIN_IMAGES_CACHE_PATH="{cache}"', *settings)


def stats(cache) -> dict:
    return json.loads((cache / "last-build.json").read_text())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    content = make_site(root)
    output, cache = root / "output", root / "cache"
    result = build(content, output, cache)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"root": root, "content": content, "output": output, "cache": cache, "result": result}


def soup(output, path):
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def published_rasters(output):
    return [p for p in output.rglob("*") if p.suffix.lower() in {".jpg", ".png", ".webp"}]


def test_originals_are_not_published_but_the_logo_is(site):
    output = site["output"]
    names = {p.name for p in output.rglob("*")}
    assert not names & set(ORIGINALS), "an original was copied to the output"
    assert (output / "images" / "logo.svg").is_file()
    # Nothing published at full size: the largest derivative is 1200 px wide (the default).
    for path in published_rasters(output):
        with Image.open(path) as image:
            assert image.width <= 1200, path


def test_no_exif_gps_or_profile_left_in_any_published_image(site):
    files = published_rasters(site["output"])
    assert len(files) > 20
    for path in files:
        assert_no_metadata(path)


def test_progress_line_and_summary(site):
    err = site["result"].stderr + site["result"].stdout
    assert re.search(r"Ảnh: \d+/\d+", err)
    assert stats(site["cache"]) == {
        "photos": 6,
        "encoded": 6,
        "shared_out": 0,
        "from_cache": 0,
        "cards": 1,
        "cards_drawn": 1,
        "problems": 0,
    }


def check_picture(output, picture, sizes_prefix="(min-width"):
    """A <picture>: WebP source + fallback img, srcset files that exist at their stated width."""
    source = picture.find("source")
    img = picture.find("img")
    assert source["type"] == "image/webp"
    assert source["sizes"] == img["sizes"] and img["sizes"].startswith(sizes_prefix)
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    for srcset, fmt in ((source["srcset"], "WEBP"), (img["srcset"], None)):
        for candidate in srcset.split(", "):
            url, descriptor = candidate.split(" ")
            with Image.open(output / url.lstrip("/")) as image:
                assert f"{image.width}w" == descriptor
                assert fmt is None or image.format == fmt
                # Same shape as the width/height attributes (no layout shift).
                ratio = int(img["width"]) / int(img["height"])
                assert abs(image.width / image.height - ratio) < 0.01
    assert (output / img["src"].lstrip("/")).is_file()
    return img


def test_hero_photo_is_an_upright_eager_picture_with_caption(site):
    page = soup(site["output"], ARTICLE)
    figure = page.select_one(".bt-article__header ~ figure.bt-figure, figure.bt-figure")
    img = check_picture(site["output"], figure.find("picture"))
    # 2400×1800 stored with orientation 6: portrait once upright.
    assert (img["width"], img["height"]) == ("1200", "1600")
    assert img["alt"].startswith("Toàn cảnh hội trường")
    assert img.get("fetchpriority") == "high" and not img.get("loading")
    assert figure.figcaption.get_text(strip=True) == "Quang cảnh hội nghị sơ kết tại hội trường Cục"


def test_body_figure_gallery_and_inline_image(site):
    output = site["output"]
    body = soup(output, ARTICLE).select_one(".bt-article__body")
    figures = body.select(":scope > figure.bt-figure")
    assert len(figures) == 1
    assert figures[0].figcaption.get_text() == "Phó Cục trưởng Trần Văn Hòa trình bày báo cáo"
    gallery = body.select_one(".bt-gallery")
    items = gallery.select("figure.bt-figure")
    assert len(items) == 3
    assert [f.figcaption.get_text() if f.figcaption else None for f in items] == [
        "Đại biểu các Chi cục",
        None,
        "Ảnh chụp từ điện thoại",
    ]
    for picture in body.select("picture"):
        img = check_picture(output, picture)
        assert img["loading"] == "lazy", "only the page's first image loads eagerly"
    # Gallery photos are shown smaller: their sizes say so.
    assert "22.5rem" in items[0].img["sizes"]
    # dai-bieu-2.jpg: stored 1200×900, orientation 8 → 900 wide upright.
    assert items[1].img["width"] == "900" and items[1].img["height"] == "1200"
    inline = body.select("p picture")
    assert len(inline) == 1, "the inline diagram stays inside its sentence"
    assert inline[0].source["srcset"].count(".webp") == 2  # 480 and its own 640
    assert inline[0].img["srcset"].count(".png") == 2  # transparent: PNG fallback


def test_first_body_image_is_eager_when_there_is_no_hero(site):
    page = soup(site["output"], PAGE)
    imgs = page.select(".bt-article__body img, main img")
    assert imgs[0].get("fetchpriority") == "high" and not imgs[0].get("loading")
    # The SVG logo is published as it is, not resized.
    assert any(img["src"].endswith("/images/logo.svg") for img in imgs)


def test_og_image_is_a_photo_crop_or_a_share_card(site):
    output = site["output"]
    for path, pattern in (
        (ARTICLE, r"/images/2021/hoi-nghi-og\.\w{8}\.jpg$"),
        (NO_PHOTO, r"/images/chia-se/thong-bao-ban-dau-gia-nga-bay\.\w{8}\.jpg$"),
    ):
        page = soup(output, path)
        data = json.loads(page.find("script", type="application/ld+json").string)
        url = data["image"][0]
        assert url.startswith("https://thads-haugiang.example.org/"), url
        assert re.search(pattern, url), url
        with Image.open(output / url.split(".org/", 1)[1]) as image:
            assert image.size == (1200, 630)
            assert image.format == "JPEG"


def test_lists_show_a_small_cropped_thumbnail(site):
    output = site["output"]
    thumbnails = soup(output, "index.html").select("img.bt-article-list__image")
    assert len(thumbnails) == 2, "the two articles with a photo"
    for img in thumbnails:
        assert img["alt"] == ""
        with Image.open(output / img["src"].lstrip("/")) as image:
            assert (image.format, image.size) == ("WEBP", (320, 213))


def test_rebuild_encodes_nothing_and_is_identical(site, tmp_path):
    cache = site["cache"]
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.suffix != ".json"}
    # A publish-like build: a new, empty output folder, the same cache.
    output = tmp_path / "output"
    result = build(site["content"], output, cache)
    assert result.returncode == 0, result.stderr
    assert stats(cache)["encoded"] == 0 and stats(cache)["cards_drawn"] == 0
    assert stats(cache)["from_cache"] == 6
    assert "Ảnh:" not in result.stderr, "no progress line when there is nothing to do"
    after = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.suffix != ".json"}
    assert after == before, "no cache file was rewritten"
    first = {
        p.relative_to(site["output"]): p.read_bytes() for p in published_rasters(site["output"])
    }
    second = {p.relative_to(output): p.read_bytes() for p in published_rasters(output)}
    assert first == second


def test_a_new_photo_is_the_only_one_encoded(site, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(site["content"], content)
    make_phone_jpeg(content / "images/2021/phat-bieu.jpg", size=(1700, 1100), orientation=1)
    result = build(content, tmp_path / "output", site["cache"], "BANTIN_BUILD_WORKERS=2")
    assert result.returncode == 0, result.stderr
    assert stats(site["cache"])["encoded"] == 1 == stats(site["cache"])["shared_out"]
    assert "Ảnh: 1/1" in result.stderr
    # Its files were shared out between the two workers: the same folder as one derive.
    [folder] = [
        m.parent
        for m in site["cache"].glob("photos/*/*/meta.json")
        if json.loads(m.read_text())["width"] == 1700
    ]
    whole = tmp_path / "whole"
    derive(str(content / "images/2021/phat-bieu.jpg"), str(whole), SETTINGS)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        p.name: p.read_bytes() for p in whole.iterdir()
    }
    assert not list(folder.parent.glob(".tmp-*"))


BAD = """---
title: Bài có ảnh lỗi
date: 2021-08-01 08:00
category: Tin hoạt động
slug: bai-co-anh-loi
image: images/2021/truncated.jpg
image_alt: Ảnh bị cắt cụt
---
![Ảnh không có](images/2021/khong-co.jpg)

![Không phải ảnh](images/2021/van-ban.jpg)

![Ảnh quá lớn](images/2021/qua-lon.png)

![](images/2021/phat-bieu.jpg)
"""


def test_bad_photos_are_named_and_the_rest_is_built(site, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(site["content"], content)
    make_truncated_jpeg(content / "images/2021/truncated.jpg")
    make_not_an_image(content / "images/2021/van-ban.jpg")
    make_large_png(content / "images/2021/qua-lon.png", size=(5000, 4000))
    (content / "articles/2021/bai-co-anh-loi.md").write_text(BAD, encoding="utf-8")
    output = tmp_path / "output"
    args = (content, output, site["cache"], "BANTIN_IMAGES_MAX_MEGAPIXELS=16")

    result = build(*args)
    assert result.returncode != 0
    source = f"{content}/articles/2021/bai-co-anh-loi.md"
    expected = [
        (6, "image", "Tệp ảnh bị hỏng hoặc chưa được chép hết", "images/2021/truncated.jpg"),
        (9, "", "Không tìm thấy tệp ảnh", "images/2021/khong-co.jpg"),
        (11, "", "Tệp không phải là ảnh", "images/2021/van-ban.jpg"),
        (13, "", "Ảnh quá lớn: 20.0 megapixel, vượt giới hạn 16 megapixel",
         "images/2021/qua-lon.png"),
        (15, "", "Ảnh chưa có mô tả (alt) cho người khiếm thị", "images/2021/phat-bieu.jpg"),
    ]  # fmt: skip
    for line, field, message, image in expected:
        where = f"{source}:{line}: " + (f"trường «{field}»: " if field else "")
        assert f"{where}{message}" in result.stderr, (message, result.stderr)
        assert f"Đang ghi: {image}." in result.stderr
    # The file that is not a photo is also refused as an upload (bantin_core.uploads).
    assert f"{content}/images/2021/van-ban.jpg: Tệp không rõ loại" in result.stderr
    assert "Có 6 lỗi trong 2 tệp" in result.stderr

    # Preview: the same problems, and every page still built, good photos included.
    preview = build(*args, "BANTIN_FAIL_ON_PROBLEMS=false")
    assert preview.returncode == 0, preview.stderr
    assert (output / ARTICLE).is_file()
    broken = soup(output, "2021/08/bai-co-anh-loi/index.html")
    srcs = [img["src"] for img in broken.select(".bt-article__body img")]
    assert len(srcs) == 1 and "phat-bieu" in srcs[0]


def test_search_metadata_is_made_from_the_bodies_with_their_pictures(site):
    """bantin_search folds the body as it is written: after bantin_images turned an image's
    title into a caption (visible, so searchable) and left alt texts in attributes."""
    page = soup(site["output"], ARTICLE)
    meta = [
        span["data-pagefind-meta"]
        for span in page.select("[data-pagefind-meta]")
        if span["data-pagefind-meta"].startswith("bkd:")
    ]
    assert len(meta) == 1
    words = meta[0].removeprefix("bkd:").split()
    caption = page.find("figcaption", string=re.compile("điện thoại"))
    assert caption is not None, "the image title became a caption"
    assert "dien" in words, "a đ-word only the caption has"
    assert "dung" not in words, "a đ-word only an alt text has"
