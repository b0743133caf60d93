"""Generate a deterministic Vietnamese news corpus in Bantin's content shape.

    python bench/make_corpus.py OUT_DIR --articles 2000 [--seed 1] [--photos 6]
        [--flavour bantin|pelican|hugo]

Same arguments, same bytes: articles spread over ten years in the four categories, tags,
some with a `ket_qua` block (valid figures), some with a photo, some văn bản with a PDF, plus
content/data/ files copied from the sample site. Used by the build benchmarks and the search
size measurement.

``--flavour`` writes the same articles and pages for the build-speed comparison
(bench/build_bench.py): ``pelican`` with Pelican's own ``Key: value`` Markdown metadata (only
the fields plain Pelican knows: no ``ket_qua``, ``van_ban``, ``image``; no data/ files),
``hugo`` as a Hugo content tree (``content/``, ``static/``) with YAML front matter in Hugo's
field names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["Tin hoạt động", "Thông báo", "Chỉ đạo – điều hành", "Văn bản"]
TAGS = [
    "Hội nghị",
    "Sơ kết",
    "Tổng kết",
    "Đấu giá",
    "Tiếp công dân",
    "Đơn thư",
    "Đảng ủy",
    "Công đoàn",
    "Chuyển đổi số",
    "Cải cách hành chính",
    "Thi đua",
    "Kiểm tra",
    "Tập huấn",
    "Phổ biến pháp luật",
    "Đoàn thanh niên",
    "Hòa giải",
    "Ủy thác",
    "Xác minh",
]
UNITS = [
    "thành phố Vị Thanh",
    "thành phố Ngã Bảy",
    "thị xã Long Mỹ",
    "huyện Long Mỹ",
    "huyện Vị Thủy",
    "huyện Phụng Hiệp",
    "huyện Châu Thành",
    "huyện Châu Thành A",
]
SUBJECTS = [
    "Cục Thi hành án dân sự tỉnh",
    "Chi cục THADS {unit}",
    "Đảng ủy Cục",
    "Ban Chỉ đạo",
    "Lãnh đạo Cục",
    "Văn phòng Cục",
    "Phòng Nghiệp vụ và Tổ chức thi hành án",
    "Phòng Kiểm tra, giải quyết khiếu nại, tố cáo",
    "Công đoàn cơ sở",
]
VERBS = [
    "tổ chức hội nghị",
    "triển khai kế hoạch",
    "kiểm tra công tác",
    "tập huấn nghiệp vụ về",
    "sơ kết việc thực hiện",
    "tổng kết phong trào",
    "ban hành hướng dẫn về",
    "đôn đốc việc",
    "phối hợp giải quyết",
    "tiếp nhận và xử lý",
]
OBJECTS = [
    "thi hành án dân sự",
    "đấu giá tài sản",
    "giải quyết đơn thư khiếu nại, tố cáo",
    "chuyển đổi số",
    "cải cách hành chính",
    "xác minh điều kiện thi hành án",
    "thu hồi tài sản trong các vụ án tham nhũng, kinh tế",
    "thi đua khen thưởng",
    "phòng, chống tham nhũng",
    "tiếp công dân định kỳ",
    "kỷ luật, kỷ cương hành chính",
]
SENTENCES = [
    "Quang cảnh hội nghị diễn ra trang trọng với sự tham dự của đại diện các đơn vị.",
    "Đồng chí Cục trưởng đánh giá cao kết quả đạt được và chỉ ra những tồn tại cần khắc phục.",
    "Các đại biểu tập trung thảo luận giải pháp nâng cao chất lượng công tác.",
    "Hội nghị thống nhất đề ra các nhiệm vụ trọng tâm trong thời gian tới.",
    "Đơn vị tiếp tục rà soát, phân loại án có điều kiện và chưa có điều kiện thi hành.",
    "Việc tổ chức đấu giá tài sản được thực hiện công khai, minh bạch theo quy định.",
    "Cán bộ, chấp hành viên được quán triệt tinh thần trách nhiệm trong thực thi công vụ.",
    "Công tác phối hợp với các cơ quan liên quan tiếp tục được tăng cường.",
    "Kết quả thi hành án về việc và về tiền đều tăng so với cùng kỳ năm trước.",
    "Đơn vị chú trọng ứng dụng công nghệ thông tin trong quản lý, điều hành.",
    "Đoàn kiểm tra đã làm việc trực tiếp với lãnh đạo và chấp hành viên của đơn vị.",
    "Trong kỳ, đơn vị tiếp nhận và xử lý kịp thời các đơn thư của công dân.",
]
SLUG_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFD", text.translate(SLUG_TABLE))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)[:80].rstrip("-")


def ket_qua_block(rng: random.Random, date: dt.date) -> str:
    """A valid results block for the period from October 1st to the day before ``date``
    (one period per article: the build refuses two articles with the same period)."""
    year = date.year if date.month >= 10 else date.year - 1
    start = dt.date(year, 10, 1)
    end = date - dt.timedelta(days=1)
    if end <= start:
        end = start + dt.timedelta(days=30)
    cases, money = rng.randint(3000, 9000), rng.randint(200, 900) * 1_000_000_000
    done_cases, done_money = int(cases * rng.uniform(0.3, 0.9)), int(money * rng.uniform(0.1, 0.5))
    return (
        "ket_qua:\n"
        f"  ky: {{tu: {start.isoformat()}, den: {end.isoformat()}}}\n"
        f"  viec: {{co_dieu_kien: {cases}, giai_quyet_xong: {done_cases}, "
        f"so_cung_ky: {rng.randint(-200, 300)}}}\n"
        f"  tien: {{co_dieu_kien: {money}, giai_quyet_xong: {done_money}}}\n"
    )


def article(rng: random.Random, index: int, date: dt.datetime, photo: str | None) -> tuple:
    unit = rng.choice(UNITS)
    subject = rng.choice(SUBJECTS).format(unit=unit)
    title = f"{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    category = CATEGORIES[index % 7 % 4] if index % 7 < 4 else "Tin hoạt động"
    slug = f"{slugify(title)}-{index}"
    tags = rng.sample(TAGS, rng.randint(1, 3))
    lines = [
        "---",
        f'title: "{title}"',
        f"date: {date:%Y-%m-%d %H:%M}",
        f"category: {category}",
        "tags: [" + ", ".join(tags) + "]",
        f"slug: {slug}",
        f"author: {rng.choice(['Nguyễn Thị Mai', 'Trần Văn Hùng', 'Lê Phước Toàn'])}",
        "office: Văn phòng Cục",
        f'summary: "{rng.choice(SENTENCES)}"',
    ]
    if photo:
        lines += [f"image: {photo}", "image_alt: Quang cảnh hội nghị", "image_caption: Hội nghị"]
    if category == "Văn bản":
        lines += [
            "van_ban:",
            "  loai: Kế hoạch",
            f'  so_ky_hieu: "{index}/KH-CTHADS"',
            "  co_quan_ban_hanh: Cục Thi hành án dân sự tỉnh Hậu Giang",
            f"  ngay_ban_hanh: {date:%Y-%m-%d}",
            "  tep: documents/mau.pdf",
        ]
    if index % 25 == 0:
        lines.append(ket_qua_block(rng, date.date()).rstrip("\n"))
    lines.append("---")
    paragraphs = [" ".join(rng.sample(SENTENCES, 4)) for _ in range(rng.randint(3, 7))]
    body = f"Sáng ngày {date:%d/%m/%Y}, {subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.\n\n"
    body += "\n\n".join(paragraphs[:2]) + "\n\n## Nhiệm vụ thời gian tới\n\n"
    body += "\n".join(f"- {rng.choice(SENTENCES)}" for _ in range(3)) + "\n\n"
    body += "\n\n".join(paragraphs[2:]) + "\n"
    return date.year, slug, "\n".join(lines) + "\n" + body


def make_photo(path: Path, rng: random.Random) -> None:
    """A photo-like JPEG (gradient, shapes, grain) so encoders work as on real photos."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = 1600, 1067
    image = Image.new("RGB", (width, height), (rng.randint(60, 120), 30, 30))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        shade = int(40 + 120 * y / height)
        draw.rectangle([0, y, width, y + 4], fill=(shade, shade // 2, shade // 3))
    for _ in range(80):
        x, y = rng.randint(0, width), rng.randint(height // 2, height)
        draw.ellipse([x, y, x + 40, y + 50], fill=(rng.randint(0, 90),) * 3)
    draw.rectangle([200, 120, 1400, 300], fill=(170, 20, 20))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    image = Image.blend(image, noise, 0.12).filter(ImageFilter.GaussianBlur(0.6))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=82)


def split_front_matter(text: str) -> tuple[dict, str]:
    """(YAML front matter, body) of a Bantin source file."""
    _, header, body = text.split("---\n", 2)
    return yaml.safe_load(header), body


def pelican_metadata(text: str) -> str:
    """The same article or page with Pelican's ``Key: value`` metadata (plain Pelican)."""
    meta, body = split_front_matter(text)
    lines = []
    for key in ("title", "date", "category", "tags", "slug", "author", "summary", "lang"):
        value = meta.get(key)
        if value is None:
            continue
        if key == "tags":
            value = ", ".join(value)
        elif key == "date":
            value = value if isinstance(value, str) else f"{value:%Y-%m-%d %H:%M}"
        lines.append(f"{key.capitalize()}: {value}")
    return "\n".join(lines) + "\n\n" + body


def hugo_front_matter(text: str) -> str:
    """The same article or page with YAML front matter in Hugo's field names."""
    meta, body = split_front_matter(text)
    hugo = {"title": meta["title"], "slug": meta["slug"]}
    if "date" in meta:
        date = meta["date"]
        date = dt.datetime.strptime(date, "%Y-%m-%d %H:%M") if isinstance(date, str) else date
        hugo["date"] = f"{date:%Y-%m-%dT%H:%M:00+07:00}"
        hugo["categories"] = [meta["category"]]
        hugo["tags"] = meta["tags"]
        hugo["author"] = meta["author"]
    if "summary" in meta:
        hugo["summary"] = meta["summary"]
    if "image" in meta:
        hugo["image"] = "/" + meta["image"]
    header = yaml.safe_dump(hugo, allow_unicode=True, sort_keys=False)
    return "---\n" + header + "---\n" + body


# Where each flavour puts articles, pages and static files, and how it rewrites a source file.
FLAVOURS = {
    "bantin": ("articles", "pages", ".", None),
    "pelican": ("articles", "pages", ".", pelican_metadata),
    "hugo": ("content/posts", "content/pages", "static", hugo_front_matter),
}


def make_corpus(
    out: Path, articles: int, seed: int = 1, photos: int = 6, flavour: str = "bantin"
) -> None:
    """Write the corpus to ``out`` (replaced if it exists)."""
    rng = random.Random(seed)
    article_dir, page_dir, static_dir, convert = FLAVOURS[flavour]
    if out.exists():
        shutil.rmtree(out)
    (out / article_dir).mkdir(parents=True)
    static = out / static_dir
    if flavour == "bantin":
        shutil.copytree(ROOT / "content" / "data", out / "data")
    if (ROOT / "content" / "pages").exists():
        (out / page_dir).mkdir(parents=True)
        for source in sorted((ROOT / "content" / "pages").glob("*.md")):
            text = source.read_text(encoding="utf-8")
            (out / page_dir / source.name).write_text(
                convert(text) if convert else text, encoding="utf-8"
            )
    (static / "images").mkdir(parents=True)
    logo = ROOT / "content" / "images" / "logo.svg"
    if logo.exists():
        shutil.copy(logo, static / "images" / "logo.svg")
    (static / "documents").mkdir()
    (static / "documents" / "mau.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    photo_paths = []
    for number in range(photos):
        relative = f"images/bench/anh-{number + 1}.jpg"
        make_photo(static / relative, rng)
        photo_paths.append(relative)
    start = dt.datetime(2016, 1, 4, 8, 0)
    span_minutes = 10 * 365 * 24 * 60
    for index in range(articles):
        date = start + dt.timedelta(minutes=span_minutes * index // max(articles, 1))
        photo = photo_paths[index % len(photo_paths)] if photo_paths and index % 20 == 0 else None
        year, slug, text = article(rng, index, date, photo)
        folder = out / article_dir / str(year)
        folder.mkdir(exist_ok=True)
        (folder / f"{slug}.md").write_text(convert(text) if convert else text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--flavour", choices=sorted(FLAVOURS), default="bantin")
    args = parser.parse_args()
    make_corpus(args.out, args.articles, args.seed, args.photos, args.flavour)


if __name__ == "__main__":
    main()
