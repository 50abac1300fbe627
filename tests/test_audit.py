"""The sentence audit (specs/coverage/): complete, exact, and pointing at real clauses."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.audit import check_audit, load_audit, load_section, sentences, split_sentences
from conformance.errors import UsageError
from conformance.spec.load import load_suite


@pytest.fixture(scope="module")
def suite():
    return load_suite()


def test_sentences_are_cut_at_full_stops_but_not_abbreviations() -> None:
    assert split_sentences("One thing, e.g. this. Another `x` here. Last!") == [
        "One thing, e.g. this.",
        "Another `x` here.",
        "Last!",
    ]


def test_code_blocks_headings_and_page_furniture_are_not_sentences() -> None:
    lines = [
        "Heading Of A Part",
        "",
        "A sentence here. And one more",
        "that wraps.",
        "",
        "```",
        "code = 1.",
        "```",
        "(continues on next page)",
        "- A list item.",
    ]
    found = [s.text for s in sentences([(1, len(lines))], lines)]
    assert found == ["A sentence here.", "And one more that wraps.", "A list item."]


def test_every_audited_section_is_complete_and_exact(suite) -> None:
    audits = load_audit(suite)
    assert audits, "specs/coverage/ has no audit files"
    check_audit(audits)  # raises UsageError listing every problem


def test_an_unlisted_sentence_and_an_unknown_clause_are_errors(suite, tmp_path: Path) -> None:
    path = tmp_path / "obtaining-the-loop.yaml"
    path.write_text(
        "section: obtaining-the-loop\n"
        "docs:\n  - {from: 35, to: 40}\n"
        "sentences:\n"
        '  - text: "Return the running event loop in the current OS thread."\n'
        "    status: covered\n"
        "    clauses: [asyncio.get_running_loop/no-such-clause]\n"
    )
    audit = load_section(path, suite)
    messages = [str(p) for p in audit.problems]
    assert any("no clause 'asyncio.get_running_loop/no-such-clause'" in m for m in messages)
    assert any("not in the audit" in m and "RuntimeError" in m for m in messages), messages
    with pytest.raises(UsageError):
        check_audit([audit])
