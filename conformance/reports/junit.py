"""JUnit XML for CI systems (GitHub, GitLab, Jenkins, Azure all read it).

One ``<testsuite>`` per loop run and one ``<testcase>`` per case. The
classname is ``section.api`` so CI UIs group cases the way the spec does.

The document is built with the ``junit-xml`` library. Its latest release
(1.9) has no testcase-level ``<properties>``, so they are added to the element
tree it builds, in the same shape pytest's ``record_property`` writes
(``<testcase><properties><property name= value=/></properties>...``), which
Jenkins, GitLab and junitparser all accept. Every string is passed through
:func:`clean_text` first: a loop's message may contain NULs or lone
surrogates, and the file must stay well-formed XML whatever the loop printed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Mapping

from junit_xml import TestCase, TestSuite, to_xml_report_string

from ._atomic import atomic_write_text
from ._text import clean_text, one_line
from .stats import loop_label

#: Case fields copied into each testcase's ``<properties>``.
_CASE_PROPERTIES = ("id", "clause", "level", "quote", "api", "section", "observed", "repro")


def _quote_text(quote: Any) -> str:
    if isinstance(quote, (list, tuple)):
        return "\n".join(clean_text(q) for q in quote)
    return clean_text(quote)


def _case_name(case: Mapping[str, Any]) -> str:
    """The case id without its ``api/`` prefix: the classname already says it."""
    case_id = clean_text(case.get("id"))
    api = clean_text(case.get("api"))
    if api and case_id.startswith(api + "/"):
        return case_id[len(api) + 1 :]
    return case_id


def _classname(case: Mapping[str, Any]) -> str:
    parts = [clean_text(case.get("section")), clean_text(case.get("api"))]
    return ".".join(p for p in parts if p) or "asyncio-conformance"


def _details_text(case: Mapping[str, Any]) -> str:
    """The body of a failure/error element: what a reader needs without the HTML report."""
    details = case.get("details") or {}
    lines = []
    quote = _quote_text(case.get("quote"))
    if quote:
        lines.append(f"Clause {clean_text(case.get('clause'))} ({clean_text(case.get('level'))}):")
        lines.extend("  > " + line for line in quote.splitlines())
    message = clean_text(case.get("message"))
    if message:
        lines.append(f"Message: {message}")
    for key in ("expected", "actual"):
        value = clean_text(details.get(key))
        if value:
            lines.append(f"{key.capitalize()}:\n{value}")
    traceback = clean_text(details.get("traceback"))
    if traceback:
        lines.append(f"Traceback:\n{traceback}")
    attempts = case.get("attempts") or []
    if case.get("flaky"):
        lines.append("Flaky: attempts were " + ", ".join(clean_text(a) for a in attempts))
    repro = clean_text(case.get("repro"))
    if repro:
        lines.append(f"Reproduce: {repro}")
    return "\n".join(lines)


def _failure_message(case: Mapping[str, Any], fallback: str) -> str:
    # junit-xml drops a failure/error element whose message and output are both
    # empty, so the message must never be empty.
    return one_line(case.get("message"), 500) or fallback


def _expectation_reason(case: Mapping[str, Any]) -> str:
    expected = case.get("expected") or {}
    return one_line(expected.get("reason") or case.get("message"), 500)


def _test_case(case: Mapping[str, Any]) -> TestCase:
    outcome = case.get("outcome")
    duration = case.get("duration_s")
    observed = case.get("observed")
    stdout = f"Observed: {clean_text(observed)}" if observed is not None else None
    tc = TestCase(
        name=_case_name(case),
        classname=_classname(case),
        elapsed_sec=float(duration) if isinstance(duration, (int, float)) else None,
        stdout=stdout,
        file=clean_text(case.get("file")) or None,
        line=clean_text(case.get("line")) or None,
    )
    body = _details_text(case)
    if outcome == "fail":
        tc.add_failure_info(_failure_message(case, "failed"), body, "failure")
    elif outcome == "xpass":
        reason = _expectation_reason(case)
        message = "xpass: expected to fail but passed" + (f" ({reason})" if reason else "")
        tc.add_failure_info(message, body, "xpass")
    elif outcome == "error":
        tc.add_error_info(_failure_message(case, "error"), body, "error")
    elif outcome == "timeout":
        tc.add_error_info(_failure_message(case, "timed out"), body, "timeout")
    elif outcome == "crash":
        tc.add_error_info(_failure_message(case, "worker crashed"), body, "crash")
    elif outcome == "skip":
        tc.add_skipped_info(one_line(case.get("message"), 500) or "skipped")
    elif outcome == "xfail":
        tc.add_skipped_info(
            "xfail: " + (_expectation_reason(case) or "expected failure"), body or None
        )
    elif outcome != "pass":
        tc.add_error_info(f"unknown outcome {one_line(outcome, 50)!r}", body, "error")
    return tc


def _suite_properties(results: Mapping[str, Any], run: Mapping[str, Any]) -> dict[str, str]:
    props: dict[str, str] = {}
    loop = run.get("loop") or {}
    for key in ("name", "factory", "version"):
        if loop.get(key) is not None:
            props[f"loop.{key}"] = clean_text(loop[key])
    env = results.get("environment") or {}
    for key in ("python", "implementation", "platform", "platform_detail", "timeout_multiplier"):
        if env.get(key) is not None:
            props[f"environment.{key}"] = clean_text(env[key])
    tool = results.get("tool") or {}
    if tool.get("version") is not None:
        props["tool.version"] = clean_text(tool["version"])
    gate = (run.get("summary") or {}).get("gate")
    if gate is not None:
        props["gate"] = clean_text(gate)
    return props


def _add_case_properties(element: ET.Element, case: Mapping[str, Any]) -> None:
    props = ET.Element("properties")
    for key in _CASE_PROPERTIES:
        value = case.get(key)
        if value is None or value == "":
            continue
        text = _quote_text(value) if key == "quote" else clean_text(value)
        ET.SubElement(props, "property", {"name": key, "value": text})
    expected = case.get("expected") or {}
    if expected.get("reason"):
        ET.SubElement(
            props, "property", {"name": "expectation", "value": clean_text(expected["reason"])}
        )
    if case.get("flaky"):
        ET.SubElement(props, "property", {"name": "flaky", "value": "true"})
    if len(props):
        element.insert(0, props)


def render_junit(results: Mapping[str, Any]) -> str:
    """Return the JUnit XML document for ``results`` as a string."""
    env = results.get("environment") or {}
    runs = results.get("runs") or []
    suites = []
    for index, run in enumerate(runs):
        cases = run.get("cases") or []
        suites.append(
            TestSuite(
                name=clean_text(loop_label(run, index)),
                test_cases=[_test_case(case) for case in cases],
                timestamp=clean_text(env.get("started_at")) or None,
                properties=_suite_properties(results, run),
                id=str(index),
                package="asyncio-conformance",
            )
        )
    root = ET.fromstring(to_xml_report_string(suites, prettyprint=False))
    root.set("name", "asyncio-conformance")
    # junit-xml sums floats naively ("0.029999999999999995"); round for readers.
    for element in [root, *root.findall("testsuite")]:
        element.set("time", f"{float(element.get('time') or 0):.3f}")
    # Add testcase-level properties to the tree junit-xml built (see module doc).
    for run, suite_el in zip(runs, root.findall("testsuite")):
        for case, case_el in zip(run.get("cases") or [], suite_el.findall("testcase")):
            _add_case_properties(case_el, case)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def write_junit(results: Mapping[str, Any], path: Path) -> None:
    """Write the JUnit XML report for ``results`` to ``path`` atomically."""
    document = render_junit(results)
    atomic_write_text(path, '<?xml version="1.0" encoding="utf-8"?>\n' + document + "\n")
