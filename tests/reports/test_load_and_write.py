"""Loading saved results and writing every report at once."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conformance.reports import load_results, write_report_dir, write_reports
from conformance.reports.stats import Tally, format_percent


def test_load_round_trip(tmp_path, mixed_results):
    path = tmp_path / "results.json"
    write_reports(mixed_results, json_path=path)
    assert load_results(path) == mixed_results


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ('{"schema": 99, "runs": []}', "unsupported results schema 99"),
        ('{"runs": []}', "no 'schema' field"),
        ("[1, 2]", "must be a JSON object"),
        ("{not json", "not valid JSON"),
        ('{"schema": 1, "runs": {}}', "'runs' must be a list"),
    ],
)
def test_load_rejects_bad_files_naming_them(tmp_path, content, match):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match) as info:
        load_results(path)
    assert str(path) in str(info.value)


def test_load_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="cannot read results file"):
        load_results(tmp_path / "nope.json")


def test_json_with_lone_surrogate_round_trips(tmp_path, make_case, make_run, make_results):
    results = make_results(make_run("asyncio", [make_case("a/b/c", "fail", message="bad \ud800")]))
    path = tmp_path / "results.json"
    write_reports(results, json_path=path)
    assert load_results(path)["runs"][0]["cases"][0]["message"] == "bad \ud800"


def test_report_dir_writes_the_full_set(tmp_path, mixed_results):
    written = write_report_dir(mixed_results, tmp_path / "out")
    names = sorted(
        p.relative_to(tmp_path / "out").as_posix()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    )
    assert names == [
        "badges/asyncio.svg",
        "badges/uvloop.svg",
        "junit.xml",
        "report.html",
        "results.json",
        "summary.md",
    ]
    assert set(written) == {"json", "junit", "html", "markdown", "badges"}
    ET.parse(written["junit"])
    assert json.loads(written["json"].read_text())["schema"] == 1


def test_write_reports_only_writes_what_is_asked(tmp_path, mixed_results):
    written = write_reports(mixed_results, html_path=tmp_path / "r.html")
    assert list(written) == ["html"]
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_conformance_definition():
    tally = Tally()
    for outcome in ["pass"] * 7 + ["fail", "xfail", "xpass", "skip", "skip"]:
        tally.add(outcome)
    # pass / (total - skip): skips say nothing; xfail and xpass count against.
    assert (tally.passed, tally.counted) == (7, 10)
    assert tally.percent == 70.0
    assert tally.worst() == "fail"
    assert format_percent(1999 / 2000 * 100) == "99.9%"
    assert format_percent(None) == "n/a"
