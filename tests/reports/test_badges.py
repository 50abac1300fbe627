"""README badges: valid SVG, escaped text, the shared percentage."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conformance.reports.badges import badge_color, write_badges

SVG = "{http://www.w3.org/2000/svg}"


def _texts(path):
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg"
    return [t.text for t in root.iter(SVG + "text")]


def test_one_badge_per_loop(tmp_path, mixed_results):
    paths = write_badges(mixed_results, tmp_path / "badges")
    assert [p.name for p in paths] == ["asyncio.svg", "uvloop.svg"]
    assert _texts(paths[0]) == ["asyncio", "asyncio", "25% conformant", "25% conformant"]
    assert _texts(paths[1])[2] == "100% conformant"
    assert 'fill="#e05d44"' in paths[0].read_text()  # red below 50%
    assert 'fill="#4c1"' in paths[1].read_text()  # bright green at 100%


def test_names_are_escaped_and_files_do_not_collide(tmp_path, make_case, make_run, make_results):
    evil = 'a<b>&"c"\x00\ud800'
    results = make_results(
        make_run(evil, [make_case()]), make_run("a/b/c", [make_case()]), make_run("a b c", [])
    )
    paths = write_badges(results, tmp_path)
    assert len({p.name for p in paths}) == 3
    texts = _texts(paths[0])
    assert texts[0] == 'a<b>&"c"\\x00\\ud800'
    assert _texts(paths[2])[2] == "n/a"


def test_percentage_rounds_down(make_case, make_run, make_results, tmp_path):
    cases = [make_case(f"a/b/{i}", "pass") for i in range(199)] + [make_case("a/b/x", "fail")]
    (path,) = write_badges(make_results(make_run("almost", cases)), tmp_path)
    assert _texts(path)[2] == "99% conformant"


def test_colour_scale():
    assert badge_color(None) == "#9f9f9f"
    assert [badge_color(p) for p in (100, 96, 91, 80, 60, 10)] == [
        "#4c1",
        "#97ca00",
        "#a4a61d",
        "#dfb317",
        "#fe7d37",
        "#e05d44",
    ]
