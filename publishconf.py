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
# Where `make deploy` uploads: a folder on this machine, or deploy@server:/srv/bantin over SSH
# (rsync). `make deploy DEPLOY_TARGET=…` overrides it. See docs/xuat-ban.md.
BANTIN_DEPLOY_TARGET = ""
