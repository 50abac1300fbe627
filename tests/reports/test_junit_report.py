"""The JUnit XML report: counts CI tools read, mapping of outcomes, robustness."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from conformance.reports.junit import write_junit


def _by_name(suite):
    return {case.name: case for case in suite}


def test_counts_per_suite_as_junitparser_reads_them(tmp_path, mixed_results):
    path = tmp_path / "junit.xml"
    write_junit(mixed_results, path)
    xml = JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert [s.name for s in suites] == ["asyncio", "uvloop"]
    first, second = suites
    # fail + xpass are failures; error, timeout, crash are errors; skip + xfail skipped.
    assert (first.tests, first.failures, first.errors, first.skipped) == (10, 2, 3, 2)
    assert (second.tests, second.failures, second.errors, second.skipped) == (10, 0, 0, 0)


def test_outcome_mapping_and_classname(tmp_path, mixed_results):
    path = tmp_path / "junit.xml"
    write_junit(mixed_results, path)
    cases = _by_name(list(JUnitXml.fromfile(str(path)))[0])

    fail = cases["fifo-order/from-callback"]
    assert fail.classname == "scheduling-callbacks.loop.call_soon"
    assert isinstance(fail.result[0], Failure)
    assert fail.result[0].message == "order: expected [0, 1], got [1, 0]"
    assert "Callbacks are called in the order" in fail.result[0].text
    assert "asyncio-conformance repro" in fail.result[0].text

    def only_result(name):
        (result,) = cases[name].result
        return result

    assert isinstance(only_result("ordering/same-delay"), Error)
    assert only_result("ordering/same-delay").type == "error"
    assert isinstance(only_result("ordering/long-delay"), Error)
    assert only_result("ordering/long-delay").type == "timeout"
    assert only_result("absolute/basic").type == "crash"
    assert isinstance(only_result("absolute/windows-only"), Skipped)
    xfail = only_result("thread-safety/from-thread")
    assert isinstance(xfail, Skipped)
    assert xfail.message == "xfail: upstream issue #42"
    xpass = only_result("handle/cancel")
    assert isinstance(xpass, Failure)
    assert xpass.type == "xpass"
    assert cases["fifo-order/five-callbacks"].is_passed


def test_testcase_properties_carry_clause_level_and_quote(tmp_path, mixed_results):
    path = tmp_path / "junit.xml"
    write_junit(mixed_results, path)
    root = ET.parse(path).getroot()
    case = root.find(".//testcase[@name='watermarks/pause-threshold']")
    assert case is not None
    props = {p.get("name"): p.get("value") for p in case.find("properties")}
    assert props["id"] == "transport.write/watermarks/pause-threshold"
    assert props["clause"] == "transport.write/watermarks"
    assert props["level"] == "must"
    assert props["quote"].startswith("pause_writing() is called")
    impl = root.find(".//testcase[@name='resolution/observe']")
    impl_props = {p.get("name"): p.get("value") for p in impl.find("properties")}
    assert impl_props["observed"] == "0.001"
    suite_props = {p.get("name"): p.get("value") for p in root.find("testsuite/properties")}
    assert suite_props["loop.name"] == "asyncio"
    assert suite_props["environment.python"] == "3.11.7"


@pytest.mark.parametrize(
    ("nasty", "shown_as"),
    [
        ("NUL\x00byte", "NUL\\x00byte"),
        ("bell\x07 escape\x1b[31m", "bell\\x07 escape\\x1b[31m"),
        ("vt\x0b ff\x0c", "vt\\x0b ff\\x0c"),
        ("lone surrogate \ud800 and \udcff", "lone surrogate \\ud800 and \\udcff"),
        ("C1 \x85 DEL \x7f nonchar \ufffe", "C1 \\x85 DEL \\x7f nonchar \\ufffe"),
        ("</failure><script>alert(1)</script>]]>", "</failure><script>alert(1)</script>]]>"),
    ],
)
def test_stays_valid_xml_whatever_the_loop_printed(
    tmp_path, make_case, make_run, make_results, nasty, shown_as
):
    case = make_case("loop.call_soon/fifo-order/x" + nasty, "fail", message=nasty, quote=nasty)
    case["details"] = {"expected": nasty, "actual": nasty, "traceback": nasty}
    skipped = make_case("loop.call_soon/fifo-order/skip", "skip", message=nasty)
    results = make_results(make_run("loop" + nasty, [case, skipped]), python=nasty)
    path = tmp_path / "junit.xml"
    write_junit(results, path)
    root = ET.parse(path).getroot()  # raises on any character XML cannot carry
    failure = root.find(".//failure")
    assert failure.get("message") == shown_as
    assert shown_as in failure.text
    assert root.find(".//skipped").get("message") == shown_as
    assert root.find("testsuite").get("name") == "loop" + shown_as
    xml = JUnitXml.fromfile(str(path))
    assert (xml.failures, xml.skipped) == (1, 1)


def test_control_characters_are_shown_not_dropped(tmp_path, make_case, make_run, make_results):
    case = make_case("a/b/c", "fail", message="before\x00after \ud800")
    write_junit(make_results(make_run("asyncio", [case])), tmp_path / "j.xml")
    message = ET.parse(tmp_path / "j.xml").getroot().find(".//failure").get("message")
    assert message == "before\\x00after \\ud800"


def test_empty_message_still_yields_a_failure(tmp_path, make_case, make_run, make_results):
    # junit-xml drops a <failure> with neither message nor text; ours never is empty.
    case = make_case("a/b/c", "fail", message="", details=None, quote="", repro="")
    write_junit(make_results(make_run("asyncio", [case])), tmp_path / "j.xml")
    assert JUnitXml.fromfile(str(tmp_path / "j.xml")).failures == 1


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path, mixed_results, monkeypatch):
    path = tmp_path / "junit.xml"
    path.write_text("previous report")

    import conformance.reports.junit as junit

    def boom(results):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(junit, "render_junit", boom)
    with pytest.raises(RuntimeError):
        junit.write_junit(mixed_results, path)
    assert path.read_text() == "previous report"
    monkeypatch.undo()
    junit.write_junit(mixed_results, path)
    assert path.read_text().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junit.xml"]


def test_atomic_write_cleans_up_when_writing_fails(tmp_path, monkeypatch):
    from conformance.reports import _atomic

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(_atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        _atomic.atomic_write_text(tmp_path / "out.xml", "data")
    assert list(tmp_path.iterdir()) == []
