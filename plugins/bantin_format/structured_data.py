"""Schema.org JSON-LD for articles (search engines and share previews)."""

from __future__ import annotations

import json

from markupsafe import Markup

from bantin_format.formatting import format_datetime_iso


def _plain(html) -> str:
    return Markup(str(html)).striptags() if html else ""


def news_article_json_ld(article, agency: dict, public_url: str) -> Markup:
    """A ``NewsArticle`` with the agency as publisher, safe inside ``<script>``."""
    url = f"{public_url}/{article.url}"
    logo = f"{public_url}/{agency['logo']}"
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _plain(article.title),
        "datePublished": format_datetime_iso(article.date),
        "dateModified": format_datetime_iso(getattr(article, "modified", None) or article.date),
        "mainEntityOfPage": url,
        "url": url,
        "inLanguage": getattr(article, "lang", "vi"),
        "articleSection": article.category.name,
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": agency["name"],
            "logo": {"@type": "ImageObject", "url": logo},
        },
    }
    if article.metadata.get("author"):
        data["author"] = {"@type": "Person", "name": article.author.name}
    else:
        data["author"] = {"@type": "GovernmentOrganization", "name": agency["name"]}
    if article.metadata.get("summary"):
        data["description"] = _plain(article.summary)
    image = getattr(article, "og_image", None) or article.metadata.get("image")
    if image:
        data["image"] = [image if image.startswith("http") else f"{public_url}/{image}"]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # "</script>" inside a title must not close the element; "<" is escaped as JSON allows.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


STRUCTURED_DATA_FILTERS = {"news_article_json_ld": news_article_json_ld}
