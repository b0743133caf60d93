"""Python-Markdown, same output, without running inline patterns over text they cannot match.

Python-Markdown runs every inline pattern (links, emphasis, entities … and, with ``smarty``, 18
quote, dash and ellipsis patterns) over every piece of text, one after the other, through its
generic inline machinery: for this site's news that is most of the Markdown time. Each of
these patterns needs a literal to match at all (``[``, ``*``, ``&``, ``'``, ``--`` …); most
sentences contain few of them. :func:`speed_up` makes the two inline tree processors skip a
pattern when none of its literals is in the text — exactly when the pattern would find no
match — and leaves everything else to Python-Markdown's own code. Patterns not listed here
(or of another class than expected, e.g. replaced by an extension) always run.
"""

from __future__ import annotations

from markdown import util
from markdown.extensions import smarty
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


def speed_up(md) -> None:
    """Give ``md``'s inline tree processors (core and smarty) the pre-filter."""
    for name in ("inline", "smarty"):
        if name in md.treeprocessors:
            processor = md.treeprocessors[name]
            if type(processor) is InlineProcessor:
                processor.__class__ = PrefilteredInlineProcessor
