"""README badges: one small SVG per loop, "<loop> | NN% conformant".

Loop authors embed these in their README; they are static files written next
to the other reports, so no badge service is involved. The percentage is the
same one the HTML report shows (must+compat passes over non-skipped
must+compat cases, rounded down).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping
from xml.sax.saxutils import escape

from ._atomic import atomic_write_text
from ._text import one_line
from .stats import band, conformance, format_percent, loop_label

# Approximate advance widths (px) of Verdana 11px, enough to size the boxes.
_NARROW = set("iljtfrI.,:;!|'` ()[]")
_WIDE = set("mwMW%@")
_FONT = "Verdana,Geneva,DejaVu Sans,sans-serif"

_TEMPLATE = """<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{label}: {message}">
<title>{label}: {message}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)">
<rect width="{label_w}" height="20" fill="#555"/>
<rect x="{label_w}" width="{message_w}" height="20" fill="{color}"/>
<rect width="{width}" height="20" fill="url(#s)"/>
</g>
<g fill="#fff" text-anchor="middle" font-family="{font}" font-size="11">
<text x="{label_x}" y="15" fill="#010101" fill-opacity=".3">{label}</text>
<text x="{label_x}" y="14">{label}</text>
<text x="{message_x}" y="15" fill="#010101" fill-opacity=".3">{message}</text>
<text x="{message_x}" y="14">{message}</text>
</g>
</svg>
"""


def _text_width(text: str) -> int:
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 3.6
        elif char in _WIDE:
            width += 10.5
        elif char.isupper() or char.isdigit():
            width += 7.5
        else:
            width += 6.6
    return int(round(width))


#: shields.io's colour scale, best first: (at least this percentage, colour).
BADGE_COLORS = (
    (99.95, "#4c1"),
    (95.0, "#97ca00"),
    (90.0, "#a4a61d"),
    (75.0, "#dfb317"),
    (50.0, "#fe7d37"),
    (0.0, "#e05d44"),
)


def badge_color(percent: float | None) -> str:
    """The badge colour for a conformance percentage (grey when unknown)."""
    return band(percent, BADGE_COLORS, "#9f9f9f")


def render_badge(label: str, message: str, color: str) -> str:
    """A flat two-part badge as SVG text; ``label`` and ``message`` are escaped."""
    label = one_line(label, 60)
    message = one_line(message, 60)
    label_w = _text_width(label) + 12
    message_w = _text_width(message) + 12
    quote = {'"': "&quot;"}
    return _TEMPLATE.format(
        width=label_w + message_w,
        label_w=label_w,
        message_w=message_w,
        label_x=label_w / 2,
        message_x=label_w + message_w / 2,
        label=escape(label, quote),
        message=escape(message, quote),
        color=escape(color, quote),
        font=_FONT,
    )


def _file_stem(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return stem or "loop"


def write_badges(results: Mapping[str, Any], directory: Path) -> list[Path]:
    """Write ``<loop>.svg`` for every run into ``directory``; return the paths.

    Two runs of loops whose names give the same file name get ``-2``, ``-3``
    suffixes instead of overwriting each other.
    """
    directory = Path(directory)
    written: list[Path] = []
    used: set[str] = set()
    for index, run in enumerate(results.get("runs") or []):
        name = loop_label(run, index)
        percent = conformance(run)["overall"].percent
        message = "n/a" if percent is None else f"{format_percent(percent, 0)} conformant"
        stem = _file_stem(name)
        candidate, n = stem, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{stem}-{n}"
        used.add(candidate.lower())
        path = directory / f"{candidate}.svg"
        atomic_write_text(path, render_badge(name, message, badge_color(percent)))
        written.append(path)
    return written
