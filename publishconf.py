"""Production settings: ``make publish``. Imports the preview settings and overrides them."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

SITEURL = PUBLIC_URL  # noqa: F405
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
# A publish never trusts a cache that older settings or plugins wrote (Pelican issue #1416).
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
DELETE_OUTPUT_DIRECTORY = True
BANTIN_FAIL_ON_PROBLEMS = True
# Drafts and scheduled posts (a date in the future) are never in the published site: only the
# live preview writes them (under ban-nhap/). See `make drafts`.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
# Where `make deploy` uploads: a folder on this machine, or deploy@server:/srv/bantin over SSH
# (rsync). `make deploy DEPLOY_TARGET=…` overrides it. See docs/xuat-ban.md.
BANTIN_DEPLOY_TARGET = ""
