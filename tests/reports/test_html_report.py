"""The HTML report, checked as text and parsed HTML (the browser test runs its JS)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from conformance.reports.html import build_view, render_html, write_html


class _Collector(HTMLParser):
    """Collects tag names, attributes and text, to check what a browser would see."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    return parser


def test_script_in_a_message_is_shown_as_text(make_case, make_run, make_results):
    evil = "<script>alert(1)</script>"
    case = make_case("loop.call_soon/fifo-order/evil", "fail", message=evil)
    case["details"] = {
        "expected": evil,
        "actual": '"><img src=x onerror=alert(2)>',
        "traceback": evil,
    }
    case["observed"] = evil
    run = make_run('loop"><script>alert(3)</script>', [case])
    html = render_html(make_results(run, python=evil))
    parsed = _parse(html)
    # Only the report's own script element exists, and it contains no alert.
    assert [t for t, _ in parsed.tags if t == "script"] == ["script"]
    assert all("alert" not in s for s in parsed.scripts)
    assert not any(t == "img" for t, _ in parsed.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert any(evil in chunk for chunk in parsed.text)
    # Attribute values (titles, data-search) are escaped too.
    assert all("onerror" not in attrs for _, attrs in parsed.tags)


def test_self_contained_no_external_resources(mixed_results):
    html = render_html(mixed_results)
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "img", "iframe"), tag
        if tag == "script":
            assert "src" not in attrs
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html


def test_header_summary_and_percentages(mixed_results):
    view = build_view(mixed_results)
    asyncio_card, uvloop_card = view["loops"]
    # asyncio has 9 must+compat cases (the impl-defined one is left out), one
    # skipped: 2 passes (five-callbacks, watermarks) of 8 counted. must: 2 of 7
    # (28.57% rounds down), compat: the xpass, 0 of 1.
    assert (asyncio_card["overall"]["passed"], asyncio_card["overall"]["counted"]) == (2, 8)
    assert asyncio_card["overall"]["pct"] == "25%"
    assert asyncio_card["must"]["pct"] == "28.5%"
    assert asyncio_card["compat"]["pct"] == "0%"
    assert asyncio_card["overall"]["xfail"] == 1
    assert asyncio_card["gate"] == "fail"
    assert uvloop_card["overall"]["pct"] == "100%"
    html = render_html(mixed_results)
    assert "Python" in html and "3.11.7" in html and "0.19.0" in html
    assert "Linux-6.1-x86_64-with-glibc2.36" in html


def test_failure_details_with_quote_expected_actual_traceback_and_repro(mixed_results):
    view = build_view(mixed_results)
    failures = {(f["loop"], f["id"]): f for f in view["failures"]}
    assert set(o for _, o in [(k, f["outcome"]) for k, f in failures.items()]) == {
        "fail",
        "error",
        "timeout",
        "crash",
        "xpass",
    }
    fail = failures[("asyncio", "loop.call_soon/fifo-order/from-callback")]
    html = render_html(mixed_results)
    anchor = f'id="{fail["anchor"]}"'
    block = html[html.index(anchor) : html.index("</details>", html.index(anchor))]
    assert "Callbacks are called in the order in which they are registered." in block
    assert "order: expected [0, 1], got [1, 0]" in block
    assert '<pre class="expected">[0, 1, 2]</pre>' in block
    assert '<pre class="actual">[0, 2, 1]</pre>' in block
    assert "Traceback (most recent call last)" in html[html.index(anchor) :]
    assert (
        "asyncio-conformance repro &#39;loop.call_soon/fifo-order/from-callback&#39; --loop asyncio"
        in html
    )


def test_impl_defined_shows_observed_value_and_never_counts(
    mixed_results, make_case, make_run, make_results
):
    impl = make_case("loop.time/resolution/observe", "pass", level="impl-defined", observed="1e-09")
    view = build_view(make_results(make_run("asyncio", [impl])))
    assert view["loops"][0]["overall"]["counted"] == 0
    assert view["loops"][0]["overall"]["pct"] == "n/a"
    assert view["failures"] == []
    assert view["impl"][0]["observed"] == ["1e-09"]
    assert "observed: 1e-09" in render_html(make_results(make_run("asyncio", [impl])))


def test_matrix_with_two_loops(mixed_results):
    html = render_html(mixed_results)
    assert "Compatibility matrix" in html
    matrix = html[
        html.index('<table class="matrix">') : html.index(
            "</table>", html.index('<table class="matrix">')
        )
    ]
    header = matrix[: matrix.index("</thead>")]
    assert '<th class="num">asyncio</th>' in header and '<th class="num">uvloop</th>' in header
    # One section-total row per section, one row per clause.
    assert matrix.count('class="sec"') == 2
    assert matrix.count("<tr data-search=") == build_view(mixed_results)["n_clauses"] == 7
    # The crashed clause shows as crash for asyncio and pass for uvloop.
    row = re.search(r"<tr data-search=\"loop.call_at/absolute[^>]*>.*?</tr>", matrix).group(0)
    cells = re.findall(r'<td class="c (o-[a-z-]+)"', row)
    assert cells == ["o-crash", "o-pass"]


def test_single_loop_has_clause_table_but_no_matrix_title(make_case, make_run, make_results):
    html = render_html(make_results(make_run("asyncio", [make_case()])))
    assert "Compatibility matrix" not in html
    assert '<table class="matrix">' in html


def test_ambiguity_register_section(mixed_results):
    html = render_html(mixed_results)
    section = html[html.index('id="ambiguities"') :]
    assert "transport.write/watermarks" in section
    assert "strictly over the high watermark" in section
    assert "the stdlib and the protocols docstring both do so" in section
    # Two loops carry the same clause: listed once.
    assert section.count('<div class="amb">') == 1


def test_section_and_api_tables(mixed_results):
    view = build_view(mixed_results)
    sections = {row["name"]: row for row in view["sections"]}
    assert set(sections) == {"scheduling-callbacks", "transports"}
    assert sections["transports"]["cells"][0]["pct"] == "100%"
    apis = {row["api"]: row for row in view["apis"]}
    assert apis["loop.call_soon"]["n_cases"] == 4
    assert (
        apis["loop.call_soon"]["cells"][0]["passed"],
        apis["loop.call_soon"]["cells"][0]["counted"],
    ) == (1, 4)


def test_survives_lone_surrogates_and_missing_fields(tmp_path, make_results):
    results = make_results(
        {
            "loop": {"name": "odd\ud800"},
            "cases": [{"id": "x\udcff", "outcome": "fail", "message": "\x00"}],
        }
    )
    results["tool"] = {}
    path = tmp_path / "report.html"
    write_html(results, path)
    text = path.read_text(encoding="utf-8")
    assert "odd\\ud800" in text and "x\\udcff" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_many_cases_and_loops_render_compactly(make_case, make_run, make_results):
    cases = [make_case(f"api.n{i // 30}/clause-{i // 3}/case-{i}", "pass") for i in range(2000)]
    runs = [make_run(f"loop{j}", cases) for j in range(6)]
    html = render_html(make_results(*runs))
    # Well under ~1 KiB per case for 6 loops keeps the page light enough to open.
    assert len(html) < 2000 * 1024
    assert html.count('class="case-row"') == 2000


def test_compact_matrix_page_keeps_outcomes_and_reasons_but_not_inline_messages(
    make_case, make_run, make_results
):
    # The published matrix has ~30 runs; compact mode must stay small while
    # still saying, per cell, what happened and (in the title) why.
    reason = "the loop's stop() is deferred by one iteration"
    deviating = make_case(
        "loop.stop/next-iteration/a",
        "xfail",
        message="expected fail: " + reason,
        expected={"outcome": ["fail"], "reason": reason, "file": "e.yaml", "line": 3},
    )
    long_reason = "a deviation explained at length, " * 8
    cases = [
        make_case(
            f"api.n{i // 30}/clause-{i // 3}/case-{i}",
            "xfail" if i % 5 == 0 else "pass",
            message="expected fail: " + long_reason if i % 5 == 0 else "",
        )
        for i in range(2000)
    ]
    runs = [make_run(f"loop{j}", [*cases, deviating]) for j in range(30)]
    full = render_html(make_results(*runs))
    compact = render_html(make_results(*runs), compact=True)
    assert len(compact) < len(full) * 0.8
    assert compact.count('class="case-row"') == 2001
    assert f'title="xfail: expected fail: {reason}"' in compact.replace("&#39;", "'")
    assert '<span class="msg">' not in compact


def test_minified_html_keeps_preformatted_text() -> None:
    from conformance.reports._text import minify_html

    page = "<div>\n    <span>a</span>\n    <span>b</span>\n</div>\n<pre>x\n    y\n</pre>\n<p>\n  c\n</p>"
    assert (
        minify_html(page)
        == "<div> <span>a</span> <span>b</span> </div> <pre>x\n    y\n</pre> <p>\n  c\n</p>"
    )
