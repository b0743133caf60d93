"""Plain Pelican 4.12 for the build-speed comparison (bench/build_bench.py).

Default theme, default reader and default settings; only what must be said is said.
bench/build_bench.py adds the content cache (-e CACHE_CONTENT=true ...) for its warm runs.
"""

# Explicit: with None every installed namespace plugin (pelican-sitemap here) would load.
PLUGINS = []
# Silences the "no timezone" warning; the corpus dates are Vietnamese local time.
TIMEZONE = "Asia/Ho_Chi_Minh"
