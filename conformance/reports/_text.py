"""Making untrusted text safe to put into XML, HTML and SVG.

Messages, tracebacks and observed values come straight from the loop under
test, so they may hold NULs, terminal escape codes or lone surrogates (a C
extension that decoded bytes with ``surrogateescape``). XML 1.0 cannot carry
those at all, and UTF-8 cannot encode a lone surrogate, so one bad byte would
make a whole report unreadable. Rather than dropping such characters silently,
they are replaced with a visible escape (``\\x00``, ``\\udcff``) so the reader
still sees that something odd was printed.
"""

from __future__ import annotations

import re
from typing import Any

# Everything outside the XML 1.0 ``Char`` production, plus the C1 controls and
# DEL (legal but "discouraged", and junit-xml strips some of them silently).
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def clean_text(value: Any) -> str:
    """Return ``value`` as a string that any XML or HTML serializer accepts.

    ``None`` becomes the empty string; other non-strings go through ``str``.
    Tab, newline and carriage return are kept.
    """
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    elif not isinstance(value, str):
        value = str(value)
    return _BAD_CHARS.sub(_escape_char, value)


def clean_tree(value: Any) -> Any:
    """Apply :func:`clean_text` to every string inside nested dicts and lists.

    Keys are cleaned too, because a case id is a key in some views. Numbers,
    booleans and ``None`` pass through unchanged so templates can still do
    arithmetic and truth tests on them.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_tree(v) for v in value]
    return value


def one_line(value: Any, limit: int = 200) -> str:
    """Collapse ``value`` to a single trimmed line of at most ``limit`` characters.

    Used wherever a message lands in a table cell, a log line or an attribute
    that should not grow without bound.
    """
    text = " ".join(clean_text(value).split())
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


#: What changes from one run to the next without meaning anything: object
#: addresses, ephemeral ports, temporary folders, fd numbers in socket reprs.
_VOLATILE = (
    (re.compile(r"0x[0-9a-fA-F]{6,}"), "0x…"),
    (re.compile(r"('(?:127\.0\.0\.1|::1|0\.0\.0\.0|::)',\s*)\d{4,5}"), r"\g<1>…"),
    (re.compile(r"(/tmp/|/var/tmp/)[\w.-]+"), r"\g<1>…"),
    (re.compile(r"\bfd=\d+"), "fd=…"),
    (re.compile(r"\b\d+\.\d{3,}s\b"), "…s"),
)


def stable_text(value: Any) -> str:
    """``value`` with run-to-run noise blanked, for published pages whose git
    diffs should show what changed in a loop, not which port it got."""
    text = clean_text(value)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def quote_lines(value: Any) -> list[str]:
    """A clause's quote (one string or a list of them) as a list, without empty ones."""
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        return [str(line) for line in value if line]
    return [str(value)]


#: An element whose whitespace is content (or code), to keep as it is; or the
#: whitespace between two tags, to fold. One pattern, so that a scan never folds
#: inside an element it has already matched whole.
_VERBATIM_OR_GAP = re.compile(
    r"(<(pre|textarea|script|style)\b.*?</\2>)|(?<=>)\s+(?=<)", re.S | re.I
)


def minify_html(html: str) -> str:
    """``html`` with every run of whitespace between two tags folded to one space.

    The page renders the same (a browser folds such runs anyway), outside
    ``pre``, ``textarea``, ``script`` and ``style``, which are kept verbatim.
    For the published matrix: its pages are rebuilt and committed often, and
    the indentation of hundreds of repeated cards and rows is much of their
    size.
    """
    return _VERBATIM_OR_GAP.sub(lambda match: match.group(1) or " ", html)
