"""Saving an edited entry into the text it came from: only what changed is rewritten.

The web editor sends a whole new file (its own YAML: every field re-written, ``37.10`` as
``37.1``, dates quoted, comments gone). :func:`merge_entry` compares it with the file on disk
value by value (``37.10`` equals ``37.1``, ``2021-10-01`` equals the text ``"2021-10-01"``) and
edits the original text only where a value really differs: a changed number replaces just that
number, a removed field removes its lines, a new field is added after the others. Key order,
comments, quoting and number formats of everything else stay as staff wrote them, so opening
and saving an unchanged post leaves the file byte-identical.

It works on PyYAML's node positions (the same parser as the reader); where a change cannot be
made in place (a flow mapping losing a key, a list changing length) the smallest enclosing field
is written afresh.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from bantin_frontmatter.loader import StrictLoader

_SPLIT = re.compile(r"\A(---[ \t]*\n)(.*?)(^---[ \t]*(?:\n|\Z))(.*)\Z", re.S | re.M)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FLOW_SPECIALS = set(",[]{}#")


class _Rewrite(Exception):
    """The change cannot be made in place: the caller writes the enclosing field afresh."""


def split_entry(text: str) -> tuple[str, str, str, str] | None:
    """(opening line, front-matter, closing line, body) of a Markdown file, or None."""
    match = _SPLIT.match(text)
    return match.groups() if match else None


# --- Comparing values as the site reads them ---------------------------------------------
def _blank(value) -> bool:
    return value is None or value == "" or value == {} or value == []


def _as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return Decimal(repr(value))
        except InvalidOperation:
            return None
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return Decimal(value.strip())
    return None


def _as_moment(value):
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def same_value(old, new) -> bool:
    """Whether two front-matter values mean the same to the site (37.10 = 37.1, a date = its
    text, an empty value = no value)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return all(same_value(old.get(key), new.get(key)) for key in {*old, *new})
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(map(same_value, old, new))
    if _blank(old) and _blank(new):
        return True
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    old_number, new_number = _as_number(old), _as_number(new)
    if old_number is not None and new_number is not None:
        return old_number == new_number
    if isinstance(old, dict | list) or isinstance(new, dict | list):
        return False
    old_moment, new_moment = _as_moment(old), _as_moment(new)
    if old_moment is not None and new_moment is not None:
        return old_moment == new_moment
    return old == new


# --- Writing values --------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Block YAML as staff write it: dates unquoted, no anchors, Vietnamese as is."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value):
    if _DAY.match(value) or re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$", value):
        # Tagged as the date it reads as, so the emitter leaves it unquoted.
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value)
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


def _load(text: str):
    loader = StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _value(node):
    """The Python value of one node, read with the reader's own rules."""
    loader = StrictLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _reads_back(text: str, value, in_flow: bool) -> bool:
    if in_flow and _FLOW_SPECIALS & set(text):
        return False
    try:
        loaded = _load(f"k: {text}\n")["k"]
    except yaml.YAMLError:
        return False
    if isinstance(value, str) and isinstance(loaded, dt.date):
        return same_value(loaded, value)
    return type(loaded) is type(value) and loaded == value


def _scalar_text(value, style: str | None, in_flow: bool) -> str:
    """One value written on one line, in the original's quoting where that still reads back."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "." not in text:
            text = f"{value:.12f}".rstrip("0")
            text += "0" if text.endswith(".") else ""
        if _reads_back(text, value, in_flow):
            return text
        raise _Rewrite
    text = str(value)
    if style == "'" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    if style != '"' and text == text.strip() and _reads_back(text, value, in_flow):
        return text
    return json.dumps(text, ensure_ascii=False)


def _entry_text(key, value, indent: int) -> str:
    """``key: value`` as block YAML, its later lines indented to sit at column ``indent``."""
    text = yaml.dump(
        {key: value},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10**6,
    )
    lines = text.splitlines(keepends=True)
    return lines[0] + "".join(" " * indent + line if line.strip() else line for line in lines[1:])


# --- Positions in the original text ---------------------------------------------------------
def _last_index(node) -> int:
    """Where the node's last written character ends (trailing comments not included)."""
    if isinstance(node, MappingNode) and node.value and not node.flow_style:
        return _last_index(node.value[-1][1])
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return _last_index(node.value[-1])
    return node.end_mark.index


def _line_end(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _alone_on_line(text: str, index: int) -> bool:
    return text[text.rfind("\n", 0, index) + 1 : index].strip() == ""


class _Merger:
    def __init__(self, text: str):
        self.text = text
        self.edits: list[tuple[int, int, str]] = []

    def node(self, node, old, new, in_flow: bool) -> None:
        """Edits turning ``node`` (value ``old``) into ``new``; raises _Rewrite if it cannot."""
        if same_value(old, new):
            return
        if isinstance(node, MappingNode) and isinstance(old, dict) and isinstance(new, dict):
            self.mapping(node, old, new, in_flow or bool(node.flow_style))
        elif isinstance(node, SequenceNode) and isinstance(old, list) and isinstance(new, list):
            if len(old) != len(new):
                raise _Rewrite
            flow = in_flow or bool(node.flow_style)
            for item, old_item, new_item in zip(node.value, old, new, strict=True):
                self.node(item, old_item, new_item, flow)
        elif (
            isinstance(node, ScalarNode)
            and not isinstance(new, dict | list)
            and node.style in (None, "", "'", '"')
            and node.start_mark.line == node.end_mark.line
            and not (isinstance(new, str) and "\n" in new)
        ):
            text = _scalar_text(new, node.style, in_flow)
            self.edits.append((node.start_mark.index, node.end_mark.index, text))
        else:
            raise _Rewrite

    def mapping(self, node: MappingNode, old: dict, new: dict, in_flow: bool) -> None:
        seen = set()
        for key_node, value_node in node.value:
            key = _value(key_node)
            seen.add(key)
            if same_value(old.get(key), new.get(key)):
                continue
            start = key_node.start_mark.index
            end = _line_end(self.text, _last_index(value_node))
            if key not in new or _blank(new[key]):
                if in_flow or not _alone_on_line(self.text, start):
                    raise _Rewrite
                line_start = self.text.rfind("\n", 0, start) + 1
                self.edits.append((line_start, end, ""))
                continue
            try:
                child = _Merger(self.text)
                child.node(value_node, _value(value_node), new[key], in_flow)
                self.edits.extend(child.edits)
            except _Rewrite:
                if in_flow:
                    raise
                entry = _entry_text(key, new[key], key_node.start_mark.column)
                self.edits.append((start, end, entry))
        added = {key: value for key, value in new.items() if key not in seen and not _blank(value)}
        if not added:
            return
        if in_flow or not node.value:
            raise _Rewrite
        first_key = node.value[0][0]
        at = _line_end(self.text, _last_index(node.value[-1][1]))
        indent = first_key.start_mark.column
        text = "".join(" " * indent + _entry_text(k, v, indent) for k, v in added.items())
        if at == len(self.text) and not self.text.endswith("\n"):
            text = "\n" + text
        self.edits.append((at, at, text))

    def result(self) -> str:
        text = self.text
        for start, end, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text


def merge_front(original: str, edited: str) -> str:
    """The original front-matter text with the values of ``edited`` (both YAML mappings)."""
    new = _load(edited) if edited.strip() else {}
    if not isinstance(new, dict):
        return edited
    try:
        loader = StrictLoader(original)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return edited
    if root is None:
        return edited if new else original
    if same_value(_value(root), new):
        return original
    if not isinstance(root, MappingNode) or root.flow_style:
        return edited
    merger = _Merger(original)
    try:
        merger.node(root, _value(root), new, in_flow=False)
    except _Rewrite:
        return edited
    return merger.result()


def merge_entry(original: str, edited: str) -> str:
    """The file to write when the editor saves ``edited`` over ``original``.

    Unchanged values keep their original text; an unchanged body (up to leading and trailing
    blank lines, which the editor trims) stays as it was. Line endings and a byte-order mark of
    the original are kept. Anything that is not front-matter + body is taken as sent.
    """
    bom = original.startswith("\ufeff")
    crlf = "\r\n" in original
    base = original.removeprefix("\ufeff").replace("\r\n", "\n")
    edited = edited.removeprefix("\ufeff").replace("\r\n", "\n")
    old_parts, new_parts = split_entry(base), split_entry(edited)
    if old_parts is None or new_parts is None:
        return original if edited == base else edited
    opening, old_front, closing, old_body = old_parts
    _, new_front, _, new_body = new_parts
    try:
        front = merge_front(old_front, new_front)
    except yaml.YAMLError:
        return edited
    body = old_body if old_body.strip("\n") == new_body.strip("\n") else new_body
    text = opening + front + closing + body
    if crlf:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if bom else "") + text
