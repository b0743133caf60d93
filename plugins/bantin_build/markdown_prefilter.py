"""Python-Markdown, same output, without running inline patterns over text they cannot match.

Python-Markdown runs every inline pattern (links, emphasis, entities … and, with ``smarty``, 18
quote, dash and ellipsis patterns) over every piece of text, one after the other, through its
generic inline machinery: for this site's news that is most of the Markdown time. Each of
these patterns needs a literal to match at all (``[``, ``*``, ``&``, ``'``, ``--`` …); most
sentences contain few of them. :class:`InlinePrefilter` (a Markdown extension, listed last)
registers the two inline tree processors again as :class:`PrefilteredInlineProcessor`, which
skips a pattern when none of its literals is in the text — exactly when the pattern would find
no match — and leaves everything else to Python-Markdown's own code. Patterns not listed here
(or of another class than expected, e.g. replaced by an extension) always run.

Part of the engine room: ``bantin_build`` adds the extension while ``BANTIN_ENGINE`` is on and
Python-Markdown is the version it was written against (it overrides a private method; the
upstream patch is docs/patches/markdown-inline-prefilter.diff).
"""

from __future__ import annotations

from markdown import util
from markdown.extensions import Extension, smarty
from markdown.treeprocessors import InlineProcessor

# Core and "extra" patterns, by registry name and class: what any match contains.
_CORE = {
    ("backtick", "BacktickInlineProcessor"): ("`",),
    ("escape", "EscapeInlineProcessor"): ("\\",),
    ("footnote", "FootnoteInlineProcessor"): ("[^",),
    ("reference", "ReferenceInlineProcessor"): ("[",),
    ("link", "LinkInlineProcessor"): ("[",),
    ("image_link", "ImageInlineProcessor"): ("![",),
    ("image_reference", "ImageReferenceInlineProcessor"): ("![",),
    ("short_reference", "ShortReferenceInlineProcessor"): ("[",),
    ("short_image_ref", "ShortImageReferenceInlineProcessor"): ("![",),
    ("autolink", "AutolinkInlineProcessor"): ("<",),
    ("automail", "AutomailInlineProcessor"): ("<",),
    ("linebreak", "SubstituteTagInlineProcessor"): ("  \n",),
    ("html", "HtmlInlineProcessor"): ("<",),
    ("entity", "HtmlInlineProcessor"): ("&",),
    ("em_strong", "DelimiterProcessor"): ("*", "_"),
}
# Smarty's patterns, by their regular expression (smarty's own constants).
_SMARTY = {
    smarty.singleQuoteStartRe: ("'",),
    smarty.doubleQuoteStartRe: ('"',),
    smarty.doubleQuoteSetsRe: ("\"'",),
    smarty.singleQuoteSetsRe: ("'\"",),
    smarty.doubleQuoteSetsRe2: ("'\"",),
    smarty.singleQuoteSetsRe2: ("\"'",),
    smarty.decadeAbbrRe: ("'",),
    smarty.openingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex2: ("'",),
    smarty.remainingSingleQuotesRegex: ("'",),
    smarty.openingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex2: ('"',),
    smarty.remainingDoubleQuotesRegex: ('"',),
    r"(?<!-)---(?!-)": ("---",),
    r"(?<!-)--(?!-)": ("--",),
    r"(?<!\.)\.{3}(?!\.)": ("...",),
    r"\<\<": ("<<",),
    r"\>\>": (">>",),
}


class PrefilteredInlineProcessor(InlineProcessor):
    """An ``InlineProcessor`` that skips a pattern when none of its literals is in the text.

    ``__handleInline`` is Python-Markdown's loop over the patterns with that one test added;
    replacing matches only ever removes literals from the text (placeholders contain none), so
    a literal absent at the start stays absent.
    """

    def run(self, tree, ancestors=None):
        # The registry may change between documents (extensions add patterns): list it anew.
        self._bantin_patterns = list(self.inlinePatterns)
        self._bantin_needles = [
            _needles_of(name, pattern)
            for name, pattern in zip(
                (item.name for item in self.inlinePatterns._priority),
                self._bantin_patterns,
                strict=True,
            )
        ]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data, patternIndex=0):
        if not isinstance(data, util.AtomicString):
            startIndex = 0
            patterns, needles = self._bantin_patterns, self._bantin_needles
            count = len(patterns)
            while patternIndex < count:
                literals = needles[patternIndex]
                if literals is not None and not any(literal in data for literal in literals):
                    patternIndex += 1
                    startIndex = 0
                    continue
                data, matched, startIndex = self._InlineProcessor__applyPattern(
                    patterns[patternIndex], data, patternIndex, startIndex
                )
                if not matched:
                    patternIndex += 1
        return data


def _needles_of(name: str, pattern):
    needles = _CORE.get((name, type(pattern).__name__))
    if needles is None and name.startswith("smarty-"):
        needles = _SMARTY.get(getattr(pattern, "pattern", None))
    return needles


class InlinePrefilter(Extension):
    """The core and smarty inline processors as :class:`PrefilteredInlineProcessor` (list
    this extension after smarty)."""

    def extendMarkdown(self, md) -> None:
        priorities = {item.name: item.priority for item in md.treeprocessors._priority}
        for name in ("inline", "smarty"):
            if name in md.treeprocessors and type(md.treeprocessors[name]) is InlineProcessor:
                prefiltered = PrefilteredInlineProcessor(md)
                prefiltered.inlinePatterns = md.treeprocessors[name].inlinePatterns
                md.treeprocessors.register(prefiltered, name, priorities[name])


def with_prefilter(markdown_settings: dict) -> dict:
    """Pelican's ``MARKDOWN`` setting with :class:`InlinePrefilter` last, after every
    extension Pelican's reader would add from ``extension_configs`` (a new dict)."""
    extensions = list(markdown_settings.get("extensions", []))
    for name in markdown_settings.get("extension_configs", {}):
        if name not in extensions:
            extensions.append(name)
    extensions = [ext for ext in extensions if not isinstance(ext, InlinePrefilter)]
    return {**markdown_settings, "extensions": [*extensions, InlinePrefilter()]}
