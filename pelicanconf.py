"""Bantin site settings for local preview (``make html``, ``make devserver``).

Everything that names the agency lives in AGENCY and content/data/: to rename the site after a
merger of provinces, edit this block and the data files; no template holds agency text.
``publishconf.py`` imports this file and overrides what production needs.
"""

import hashlib
import os
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))

# --- Agency identity (Decree 42/2022/NĐ-CP: who runs the site and how to reach them) ---------
AGENCY = {
    "name": "Cục Thi hành án dân sự tỉnh Hậu Giang",
    "short_name": "Cục THADS tỉnh Hậu Giang",
    "parent": "Tổng cục Thi hành án dân sự – Bộ Tư pháp",
    "logo": "images/logo.svg",
    "address": "Số 09 đường Trần Hưng Đạo, phường 5, thành phố Vị Thanh, tỉnh Hậu Giang",
    "phone": "0293 3 870 000",
    "fax": "0293 3 870 001",
    "email": "cucthads@haugiang.example.org",
    "responsible": "Ông Trần Văn Hòa – Phó Cục trưởng",
    "working_hours": "Sáng 7 giờ – 11 giờ, chiều 13 giờ – 17 giờ, từ thứ Hai đến thứ Sáu",
    "licence": "Giấy phép số 01/GP-TTĐT do Sở Thông tin và Truyền thông tỉnh Hậu Giang cấp",
    "external_links": [
        {"ten": "Bộ Tư pháp", "duong_dan": "https://moj.gov.vn/"},
        {"ten": "Tổng cục Thi hành án dân sự", "duong_dan": "https://thads.moj.gov.vn/"},
        {"ten": "Cổng Dịch vụ công quốc gia", "duong_dan": "https://dichvucong.gov.vn/"},
    ],
}
SITENAME = AGENCY["name"]
AUTHOR = AGENCY["short_name"]
# The address the site is published at. Canonical URLs, feeds and share cards use it even in
# a local preview; replace it with the agency's real domain.
PUBLIC_URL = "https://thads-haugiang.example.org"
SITEURL = ""

# Categories staff may use (a misspelt one is a content error, not a new page).
BANTIN_CATEGORIES = ["Tin hoạt động", "Thông báo", "Chỉ đạo – điều hành", "Văn bản"]
# The category that announcements (home page block) come from.
BANTIN_ANNOUNCEMENT_CATEGORY = "Thông báo"
BANTIN_DOCUMENT_CATEGORY = "Văn bản"
# Video sites whose embeds (<iframe>) staff may paste; everything else is removed. The nginx
# Content-Security-Policy (deploy/nginx.conf, frame-src) must list the same hosts.
BANTIN_VIDEO_HOSTS = ["www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com"]

# --- Content --------------------------------------------------------------------------------
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "documents"]
# Notes kept beside the content for the people who edit it (README.md in content/images/) are
# never published; Pelican's own default (Emacs lock files) is kept.
IGNORE_FILES = [".#*", "README.md", "README.txt"]
# Photos under images/ are published only as resized, metadata-free derivatives (bantin_images;
# settings BANTIN_IMAGES_*, see plugins/bantin_images/settings.py); logo.svg goes out sanitized.
BANTIN_IMAGES_CACHE_PATH = os.path.join(HERE, "cache", "images")
DATA_PATH = "data"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_PAGINATION = 10
# reStructuredText and raw HTML content are not used; docutils also warns at start-up.
READERS = {"rst": None, "html": None, "htm": None}
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.smarty": {"smart_angled_quotes": False},
    },
    "output_format": "html5",
}
SLUGIFY_SOURCE = "title"
# Every article names its category in its front matter (required, bantin_frontmatter). Pelican's
# default would also make a category of each file's folder ("2024", "pages") and give pages the
# category "pages"; building that category cost ≈ 40 µs an article on every build.
USE_FOLDER_AS_CATEGORY = False
# Pelican formats every item's date with this on reading (``locale_date``, which no template
# of ours uses: dates go through the Babel filters). ISO: no locale, the cheapest to format.
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
SLUGIFY_USE_UNICODE = False
# A post dated in the future is scheduled: Pelican makes it a draft until its date (the preview
# shows it under ban-nhap/, `make publish` leaves it out; deploy/bantin-daily.timer republishes).
WITH_FUTURE_DATES = False

# --- Theme and plugins ------------------------------------------------------------------------
THEME = os.path.join(HERE, "theme")
PLUGIN_PATHS = [os.path.join(HERE, "plugins")]
# Always an explicit list: with None every installed namespace plugin would be enabled.
PLUGINS = [
    "bantin_core",
    "bantin_frontmatter",
    "bantin_format",
    "bantin_data",
    "bantin_images",
    "bantin_ketqua",
    # Debtors without means to pay and auction notices (content/cong-khai/), with deadlines.
    "bantin_congkhai",
    "bantin_seo",
    "bantin_theme",
    "bantin_search",
    "pelican.plugins.sitemap",
    # Live preview and /admin/ editor; does nothing unless BANTIN_PREVIEW (after bantin_core).
    "bantin_editor",
    # Pages rendered on every core; unchanged pages reused from the last build (CACHE_PATH).
    "bantin_build",
]
# auto_reload off: each build (the live preview's too) makes new Jinja environments, so the
# stat of every template on every include only cost time (2 % of a build).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "auto_reload": False,
}

# --- URLs: clean ASCII, one folder per page -------------------------------------------------
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DRAFT_URL = "ban-nhap/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
# The English page is not a translation of a Vietnamese one: same URL scheme for every language.
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS
ARTICLE_LANG_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_LANG_SAVE_AS = ARTICLE_LANG_URL + "index.html"
CATEGORY_URL = "chuyen-muc/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_SAVE_AS = "chuyen-muc/index.html"
TAG_URL = "the/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_SAVE_AS = "the/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = "luu-tru/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
# No page per day: each day is a heading (#ngay-DD) on its month page, where the day picker
# (luu-tru/ngay-co-tin.json) and old /YYYY/MM/DD/ addresses (deploy/nginx.conf) lead.
DAY_ARCHIVE_SAVE_AS = ""
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives", "search"]
SEARCH_SAVE_AS = "tim-kiem/index.html"
TEMPLATE_PAGES = {"robots.txt": "robots.txt"}

# --- Search (Pagefind) -------------------------------------------------------------------------
BANTIN_SEARCH = True
# Word pairs with đ as the site writes them: the search page reads "dau gia" as "đấu giá".
BANTIN_SEARCH_COMPOUNDS_SAVE_AS = "tim-kiem/tu-ghep.json"
# Abbreviations staff write, searchable in both forms (THADS finds "thi hành án dân sự").
BANTIN_SEARCH_ABBREVIATIONS = {
    "THADS": "thi hành án dân sự",
    "THAHC": "thi hành án hành chính",
    "CHV": "chấp hành viên",
    "TTHC": "thủ tục hành chính",
    "HĐND": "hội đồng nhân dân",
    "UBND": "ủy ban nhân dân",
    "VKSND": "viện kiểm sát nhân dân",
    "TAND": "tòa án nhân dân",
}

# --- Feeds: Atom, whole site and per category, always with absolute links --------------------
FEED_DOMAIN = PUBLIC_URL
FEED_ALL_ATOM = "feeds/tat-ca.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
FEED_ALL_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
FEED_MAX_ITEMS = 20

SITEMAP = {
    "format": "xml",
    "priorities": {"articles": 0.6, "indexes": 0.8, "pages": 0.5},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
    "exclude": ["tim-kiem/", "the/", "trang/", r"^404\.html$"],
}

# --- Build behaviour --------------------------------------------------------------------------
# The engine room (docs/may-dong-co.md): page cache, pages rendered and files read on every core,
# the guarded changes to Pelican and Markdown. False: plain Pelican and the feature plugins, one
# process, the same site byte for byte, only slower (to rule the engine out when in doubt).
BANTIN_ENGINE = True


def _code_fingerprint() -> str:
    """Hash of the settings and plugin code: a warm cache never outlives what wrote it.

    Pelican's content cache ignores changed settings (issue #1416) and our readers store
    checked values in it, so each version of the code gets its own cache folder.
    """
    import pelican

    digest = hashlib.sha256(pelican.__version__.encode())
    for path in [*sorted(Path(HERE, "plugins").rglob("*.py")), Path(__file__)]:
        digest.update(str(path.relative_to(HERE)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


# Content cache: keyed on the sha256 of each file, so a git checkout does not invalidate it.
# bantin_build removes the folders of earlier code versions (cache/pelican-<16 hex digits>).
CACHE_PATH = os.path.join(HERE, "cache", "pelican-" + _code_fingerprint())
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "sha256"
# Pelican gzips its content cache at level 9: 0.3 s of CPU for each save at 8,000 articles
# (28 MB of pickle → 2 MB), paid again after every edit. Uncompressed it loads and saves faster.
GZIP_CACHE = False
DELETE_OUTPUT_DIRECTORY = True
OUTPUT_RETENTION = [".git"]
# Every content problem is listed at the end; the build fails on any (preview: -e ... false).
BANTIN_FAIL_ON_PROBLEMS = True
# Pelican whose run ends with exit status 1 when the build failed so (plugins/bantin_core).
PELICAN_CLASS = "bantin_core.BantinPelican"
# The live preview (make devserver) turns this on: reload on save, problems shown in the page.
BANTIN_PREVIEW = False
BANTIN_PROBLEMS_FILE = os.path.join(HERE, "cache", "problems.json")
