"""Expectations: xfail, xpass, stale entries, conditions, and the gate."""

from __future__ import annotations

from pathlib import Path

from conformance.expectations import Matcher, load_expectations
from conformance.results import CaseResult
from conformance.verdict import apply_expectation

from .conftest import outcomes

TORTURE = str(Path(__file__).parent / "fixtures" / "torture" / "scheduling-callbacks.yaml")
PREFIX = "loop.call_soon/fifo-order/"
#: On asyncio the torture case "exits" crashes (as expected) and "ordered" passes (an xpass).
KNOWN_CRASH_AND_FAIL = f"""\
expectations:
  - {{id: "{PREFIX}exits", outcome: crash, reason: the case exits on purpose}}
  - {{id: "{PREFIX}ordered", outcome: fail, reason: pretend this used to fail}}
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "expectations.yaml"
    path.write_text(body)
    return path


class Judged:
    """What the one verdict function makes of a raw outcome, given a matcher."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def apply(self, case_id: str, outcome: str) -> CaseResult:
        result = CaseResult(
            id=case_id,
            api="a",
            section="s",
            clause=case_id.rsplit("/", 1)[0],
            level="must",
            quote="",
            file="f",
            line=1,
            outcome=outcome,  # type: ignore[arg-type]
            message="m",
        )
        entry = self.matcher.entry_for(case_id)
        if entry is not None:
            apply_expectation(result, entry)
        return result


def test_matching_failure_becomes_xfail_and_pass_becomes_xpass(tmp_path: Path) -> None:
    file = load_expectations(
        write(
            tmp_path,
            """\
expectations:
  - {id: "a/b/*", outcome: fail, reason: known bug upstream}
  - {id: "c/d/e", outcome: [timeout, crash], reason: hangs on close}
""",
        )
    )
    judged = Judged(Matcher([file], "asyncio"))
    assert judged.apply("a/b/x", "fail").outcome == "xfail"
    assert judged.apply("a/b/x", "pass").outcome == "xpass"
    assert judged.apply("c/d/e", "crash").outcome == "xfail"
    wrong_kind = judged.apply("c/d/e", "fail")
    assert wrong_kind.outcome == "fail" and "expected timeout/crash" in wrong_kind.message
    assert judged.apply("z/z/z", "fail").outcome == "fail"
    assert judged.apply("a/b/x", "skip").outcome == "skip"


def test_stale_entries_and_loop_scoping(tmp_path: Path) -> None:
    file = load_expectations(
        write(
            tmp_path,
            """\
loop: uvloop
expectations:
  - {id: "a/b/c", outcome: fail, reason: matches}
  - {id: "gone/*", outcome: fail, reason: renamed long ago}
""",
        )
    )
    assert Matcher([file], "asyncio").entries == []
    matcher = Matcher([file], "uvloop")
    stale = matcher.stale(["a/b/c", "x/y/z"])
    assert [s["id"] for s in stale] == ["gone/*"] and stale[0]["line"] == 4


def test_conditions_limit_where_an_entry_applies(tmp_path: Path) -> None:
    file = load_expectations(
        write(
            tmp_path,
            """\
expectations:
  - {id: "a/*", outcome: fail, reason: old pythons only, python: "<3.0"}
  - {id: "b/*", outcome: fail, reason: windows only, platforms: [windows]}
""",
        )
    )
    matcher = Matcher([file], "asyncio")
    judged = Judged(matcher)
    assert judged.apply("a/x/y", "fail").outcome == "fail"
    assert judged.apply("b/x/y", "fail").outcome == "fail"
    assert matcher.stale([]) == [], "entries that do not apply here are never stale"


def test_end_to_end_gate_with_expectations(tmp_path: Path, conformance_run) -> None:
    path = write(
        tmp_path,
        KNOWN_CRASH_AND_FAIL
        + '  - {id: "no/such/case", outcome: fail, reason: stale on purpose}\n',
    )
    code, results = conformance_run(
        "asyncio", "--specs", TORTURE, "-k", "exits", "-k", "ordered", "--expectations", str(path)
    )
    got = outcomes(results)
    assert got[PREFIX + "exits"] == "xfail"
    assert got[PREFIX + "ordered"] == "xpass"
    assert code == 1, "an unexpected pass fails the gate"
    assert [s["id"] for s in results["runs"][0]["expectations"]["stale"]] == ["no/such/case"]
    code, _ = conformance_run(
        "asyncio",
        "--specs",
        TORTURE,
        "-k",
        "exits",
        "-k",
        "ordered",
        "--expectations",
        str(path),
        "--allow-xpass",
    )
    assert code == 0


def test_brackets_in_ids_are_literal(tmp_path: Path) -> None:
    file = load_expectations(
        write(
            tmp_path,
            """\
expectations:
  - {id: "a/b/c[tls-*]", outcome: fail, reason: row ids have brackets}
""",
        )
    )
    matcher = Matcher([file], "asyncio")
    assert matcher.entry_for("a/b/c[tls-client]") is not None
    assert matcher.entry_for("a/b/ct") is None
    assert matcher.entry_for("a/b/c[tcp4]") is None


def test_intermittent_failures_may_pass(tmp_path: Path) -> None:
    file = load_expectations(
        write(
            tmp_path,
            """\
expectations:
  - {id: "a/b/c", outcome: [fail, pass], reason: a race in the loop}
""",
        )
    )
    judged = Judged(Matcher([file], "asyncio"))
    assert judged.apply("a/b/c", "pass").outcome == "pass"
    assert judged.apply("a/b/c", "fail").outcome == "xfail"
    bad = write(tmp_path, 'expectations:\n  - {id: x, outcome: [pass], reason: "only pass"}\n')
    import pytest

    from conformance.errors import UsageError

    with pytest.raises(UsageError):
        load_expectations(bad)


def test_an_entry_shadowed_by_an_unconditional_one_is_an_error(tmp_path: Path) -> None:
    import pytest

    from conformance.errors import UsageError

    # A repeat with a condition is how one case gets different outcomes per Python.
    load_expectations(
        write(
            tmp_path,
            """\
expectations:
  - {id: "a/b/c", outcome: fail, python: ">=3.12", reason: a newer cause}
  - {id: "a/b/c", outcome: fail, python: "<3.10", reason: an older cause}
  - {id: "a/b/c", outcome: fail, reason: the rest}
""",
        )
    )
    shadowed = write(
        tmp_path,
        """\
expectations:
  - {id: "a/b/c", outcome: fail, reason: the first cause}
  - {id: "a/b/d", outcome: fail, reason: another cause}
  - {id: "a/b/c", outcome: [fail, pass], python: ">=3.12", reason: never used}
""",
    )
    with pytest.raises(UsageError) as raised:
        load_expectations(shadowed)
    message = str(raised.value)
    assert f"{shadowed}:4:" in message and "line 2" in message and "'a/b/c'" in message


def test_progress_marks_show_outcomes_after_expectations(tmp_path: Path) -> None:
    from .conftest import run_cli

    path = write(
        tmp_path,
        KNOWN_CRASH_AND_FAIL,
    )
    proc = run_cli(
        *("run", "--loop", "asyncio", "--specs", TORTURE, "-j", "1"),
        *("-k", "exits", "-k", "ordered", "--expectations", str(path)),
    )
    dots = proc.stdout.splitlines()[0].split(") ", 1)[1]
    # A known crash is an "x", an unexpected pass an "X": what the summary counts.
    assert "x" in dots and "X" in dots and "C" not in dots, proc.stdout
