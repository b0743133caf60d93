"""Publishing: the raw-HTML sanitizer, whole-site checks (``make check``), post-build steps for
``make publish`` (fingerprinted assets, precompression) and the release manifest for deploys.

The sanitizer runs inside the Markdown reader (``bantin_frontmatter``); the rest runs as
``python -m bantin_publish`` around the Pelican build, so it needs no entry in ``PLUGINS``.
"""
