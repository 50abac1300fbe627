"""The Markdown CI summary and the GitHub job summary."""

from __future__ import annotations

from conformance.reports.markdown import append_github_step_summary, render_markdown, write_markdown


def test_counts_gate_and_failures(mixed_results):
    text = render_markdown(mixed_results)
    assert text.startswith("## ❌ asyncio-conformance 0.1.0: gate fail")
    summary_table = text.split("### Failures")[0]
    rows = {
        line.split("|")[1].strip(): line
        for line in summary_table.splitlines()
        if line.startswith("| `")
    }
    # pass fail error timeout crash skip xfail xpass
    assert rows["`asyncio`"].endswith("| 3 | 1 | 1 | 1 | 1 | 1 | 1 | 1 |")
    assert "| ❌ fail | 25% | 28.5% | 0% |" in rows["`asyncio`"]
    assert rows["`uvloop`"].endswith("| 10 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
    assert "✅ pass" in rows["`uvloop`"]
    assert "### Failures (5)" in text
    assert (
        "| `asyncio` | fail | `loop.call_soon/fifo-order/from-callback` | `order: expected [0, 1], got [1, 0]` |"
        in text
    )


def test_passing_gate(make_case, make_run, make_results):
    text = render_markdown(make_results(make_run("asyncio", [make_case()])))
    assert text.startswith("## ✅ asyncio-conformance 0.1.0: gate pass")
    assert "Failures" not in text


def test_failure_list_is_capped(make_case, make_run, make_results):
    cases = [make_case(f"a/b/c{i}", "fail") for i in range(30)]
    text = render_markdown(make_results(make_run("asyncio", cases)), max_failures=5)
    assert text.count("| `asyncio` | fail |") == 5
    assert "…and 25 more" in text


def test_table_cells_cannot_be_broken_by_messages(make_case, make_run, make_results):
    case = make_case("a/b/c", "fail", message="x | y `code` <b>bold</b>\nnext")
    text = render_markdown(make_results(make_run("asyncio", [case])))
    line = next(line for line in text.splitlines() if "a/b/c" in line)
    assert line.endswith("| `x \\| y 'code' <b>bold</b> next` |")


def test_stale_expectations_are_listed(make_case, make_run, make_results):
    run = make_run("asyncio", [make_case()])
    run["expectations"]["stale"] = [{"id": "old/*", "file": "exp.yaml", "line": 3}]
    text = render_markdown(make_results(run))
    assert "**Stale expectations** (1)" in text
    assert "`old/*` (`exp.yaml:3`)" in text


def test_write_markdown(tmp_path, mixed_results):
    path = tmp_path / "summary.md"
    write_markdown(mixed_results, path)
    assert path.read_text(encoding="utf-8") == render_markdown(mixed_results)


def test_github_step_summary_appends_only_when_set(tmp_path, mixed_results):
    assert append_github_step_summary(mixed_results, environ={}) is None
    target = tmp_path / "step_summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    written = append_github_step_summary(
        mixed_results, environ={"GITHUB_STEP_SUMMARY": str(target)}
    )
    assert written == target
    content = target.read_text(encoding="utf-8")
    assert content.startswith("earlier step\n## ❌")
    assert content.count("### Failures") == 1
