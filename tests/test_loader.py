"""The spec loader: every problem is reported as file:line:col, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conformance.errors import UsageError
from conformance.spec.load import load_suite

GOOD = """\
section: scheduling-callbacks
apis:
  loop.call_soon:
    clauses:
      fifo-order:
        level: must
        quote: Callbacks are called in the order in which they are registered.
        cases:
          two:
            code: |
              loop.call_soon(trace, 1)
              loop.call_soon(trace, 2)
              await tick()
            expect: {trace: [1, 2]}
          table:
            params:
              - {id: one, n: 1}
              - {id: two, n: 2, expect: {returns: 2}}
            code: |
              return n
            expect: {returns: 1}
      not-thread-safe:
        level: precondition
        quote: This method is not thread-safe.
"""


def write(tmp_path: Path, text: str, name: str = "scheduling-callbacks.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(UsageError) as info:
        load_suite(path)
    return [str(p) for p in info.value.problems]


def test_good_file_expands_cases_and_rows(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD))
    ids = [c.id for c in suite.cases]
    assert ids == [
        "loop.call_soon/fifo-order/two",
        "loop.call_soon/fifo-order/table[one]",
        "loop.call_soon/fifo-order/table[two]",
        "loop.call_soon/not-thread-safe",
    ]
    one, two = suite.cases[1], suite.cases[2]
    assert one.params == {"n": 1} and one.expect == {"returns": 1}
    assert two.expect == {"returns": 2}, "a row's expect overrides the case's"
    assert suite.cases[0].code_line == 11, "code_line is the first line of the code block"
    assert not suite.cases[3].runnable


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "section: [unclosed\napis: {}\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:") and "invalid YAML" in message
    assert message.split(":")[1].isdigit()


def test_schema_error_points_at_the_offending_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("level: must", "level: should"))
    (message,) = problems(path)
    assert message.startswith(f"{path}:6:")
    assert "should" in message


def test_unknown_api_and_wrong_section(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("loop.call_soon:", "loop.call_later:"))
    messages = problems(path)
    assert any(
        ":3:" in m and "belongs to section 'scheduling-delayed-callbacks'" in m for m in messages
    ), messages


def test_quote_must_be_verbatim(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("in the order in which", "in whatever order"))
    (message,) = problems(path)
    assert f"{path}:7:" in message and "not verbatim" in message


def test_quote_may_wrap_differently(tmp_path: Path) -> None:
    text = GOOD.replace(
        "quote: Callbacks are called in the order in which they are registered.",
        "quote: >-\n          Callbacks are called in the order\n          in which they are registered.",
    )
    assert load_suite(write(tmp_path, text)).cases


def test_a_clause_may_cite_the_311_docs_and_is_checked_against_them(tmp_path: Path) -> None:
    # The 3.11 pages word call_soon differently from the 3.7 text.
    new_wording = "Schedule the *callback* callback to be called with *args* arguments at the next iteration of the event loop."
    cited = GOOD.replace(
        "quote: Callbacks are called in the order in which they are registered.",
        f'docs: "3.11"\n        quote: "{new_wording}"',
    )
    (case, *_) = load_suite(write(tmp_path, cited)).cases
    assert case.docs == "3.11" and case.listing()["docs"] == "3.11"
    # The same quote without the citation is checked against the 3.7 text, and fails.
    uncited = GOOD.replace(
        "quote: Callbacks are called in the order in which they are registered.",
        f'quote: "{new_wording}"',
    )
    (message,) = problems(write(tmp_path, uncited))
    assert "not verbatim from reference/asyncio-docs.txt" in message
    # A file may cite 3.11 for all its clauses; the 3.7 wording then fails.
    old_wording = "Schedule a `callback` to be called with `args` arguments at the next iteration of the event loop."
    only_37 = GOOD.replace(
        "quote: Callbacks are called in the order in which they are registered.",
        f'quote: "{old_wording}"',
    )
    assert load_suite(write(tmp_path, only_37)).cases
    (message,) = problems(write(tmp_path, 'docs: "3.11"\n' + only_37))
    assert "not verbatim from reference/asyncio-docs-3.11.txt" in message


def test_code_syntax_error_uses_spec_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("loop.call_soon(trace, 2)", "loop.call_soon(trace, 2"))
    messages = problems(path)
    assert any(m.startswith(f"{path}:12:") or m.startswith(f"{path}:13:") for m in messages), (
        messages
    )


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    text = GOOD.replace("      not-thread-safe:", "      fifo-order:")
    (message,) = problems(write(tmp_path, text))
    assert "duplicate key 'fifo-order'" in message


def test_precondition_with_cases_and_clause_without(tmp_path: Path) -> None:
    text = GOOD + "        cases:\n          x: {code: pass}\n"
    assert any("precondition clauses" in m for m in problems(write(tmp_path, text)))
    text = GOOD.replace("level: precondition", "level: must")
    assert any("at least one case" in m for m in problems(write(tmp_path, text)))


def test_unknown_exception_type(tmp_path: Path) -> None:
    text = GOOD.replace("expect: {trace: [1, 2]}", "expect: {raises: asyncio.NoSuchError}")
    assert any(
        "unknown type name 'asyncio.NoSuchError'" in m for m in problems(write(tmp_path, text))
    )


def test_unwatched_protocol_is_rejected(tmp_path: Path) -> None:
    text = GOOD.replace("loop.call_soon(trace, 1)", "class P(asyncio.Protocol): pass")
    messages = problems(write(tmp_path, text))
    assert any(":11:" in m and "watched Protocol" in m for m in messages), messages


def test_bad_python_marker(tmp_path: Path) -> None:
    text = GOOD.replace("        level: must", "        level: must\n        python: '>=three'")
    assert any("invalid python specifier" in m for m in problems(write(tmp_path, text)))


def test_all_problems_of_all_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("level: must", "level: maybe"))
    write(tmp_path, "section: nope\napis: {x: {clauses: {}}}\n", name="nope.yaml")
    with pytest.raises(UsageError) as info:
        load_suite(tmp_path)
    files = {p.file for p in info.value.problems}
    assert len(files) == 2


def test_bundled_specs_are_valid() -> None:
    suite = load_suite()
    assert suite.cases and len({c.id for c in suite.cases}) == len(suite.cases)
    assert "Protocol" in suite.machines


def test_a_typo_in_spec_code_is_an_error_at_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("loop.call_soon(trace, 2)", "loop.call_soon(trase, 2)"))
    (message,) = problems(path)
    assert message == f"{path}:12:30: undefined name 'trase'"


def test_a_parameter_no_code_uses_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("{id: one, n: 1}", "{id: one, n: 1, m: 3}"))
    (message,) = problems(path)
    assert message.endswith("parameter 'm' is never used by the code")


def test_a_typo_fails_the_cli_with_exit_2(tmp_path: Path) -> None:
    from .conftest import run_cli

    path = write(tmp_path, GOOD.replace("loop.call_soon(trace, 2)", "loop.call_soon(trase, 2)"))
    proc = run_cli("validate-specs", str(path))
    assert proc.returncode == 2
    assert f"{path}:12:30: undefined name 'trase'" in proc.stderr


def test_machine_quotes_are_checked(tmp_path: Path) -> None:
    text = """\
    section: state-machines
    machines:
      M:
        quote: This sentence is not in the docs.
        applies_to: [Protocol]
        start: start
        final: [start]
        transitions:
          - {from: start, event: connection_made, to: start}
    apis:
      loop.call_soon:
        clauses:
          c:
            level: must
            quote: Callbacks are called in the order in which they are registered.
            cases:
              x: {code: "pass"}
    """
    path = write(tmp_path, text, name="state-machines.yaml")
    messages = problems(path)
    assert any("machine M: quote is not verbatim" in m for m in messages), messages
