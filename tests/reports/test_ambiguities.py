"""The ambiguity register generated for docs/ambiguities.md."""

from __future__ import annotations

from conformance.reports.ambiguities import render_ambiguity_register


def test_lists_each_clause_once_with_everything(mixed_cases, make_case):
    extra = make_case(
        "transport.write/watermarks/second-case",
        "pass",
        section="transports",
        resolution=mixed_cases[8]["resolution"],
    )
    text = render_ambiguity_register([*mixed_cases, extra])
    assert text.startswith("# Ambiguity register")
    assert text.count("### `transport.write/watermarks`") == 1
    assert "1 clause." in text
    assert "## transports" in text
    assert (
        "**Issue.** pause_writing() threshold: 'greater than or equal to' or 'strictly over'?"
        in text
    )
    assert "> pause_writing() is called when the buffer goes over the high watermark" in text
    assert (
        "> pause_writing() is called when the buffer goes strictly over the high watermark" in text
    )
    assert "**Decision.** strictly over the high watermark" in text
    assert "**Why.** the stdlib and the protocols docstring both do so" in text
    assert "- https://github.com/python/cpython/issues/00000" in text
    # Clauses without a resolution are not listed.
    assert "loop.call_soon/fifo-order" not in text


def test_multiline_quotes_and_folded_text(make_case):
    case = make_case(
        "a.b/c/d",
        resolution={
            "issue": "two\nlines",
            "decision": "pick  one",
            "why": "because",
            "contradicts": None,
            "sources": [],
        },
        quote=["first line\nsecond line", "another quote"],
    )
    text = render_ambiguity_register([case])
    assert "> first line\n> second line" in text
    assert "> another quote" in text
    assert "**Issue.** two lines" in text
    assert "**Decision.** pick one" in text
    assert "and elsewhere:" not in text
    assert "**Sources:**" not in text


def test_empty_register():
    assert "No clause carries a resolution yet." in render_ambiguity_register([])
