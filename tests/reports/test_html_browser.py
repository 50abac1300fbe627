"""The HTML report in a real browser: headless Chromium runs its JS and renders it.

Skipped only on a developer machine without Chromium; under CI (``CI`` set)
a missing browser is a failure, so the check cannot silently disappear.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from conformance.reports.html import write_html

BROWSER_NAMES = ("chromium", "chromium-browser")
TIMEOUT_S = 120


def _find_browser() -> str:
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    message = "headless Chromium is not installed (Debian: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; it is required under CI")
    pytest.skip(message)


def _run_browser(tmp_path: Path, *args: str) -> str:
    """Run Chromium in its own session and kill that session whatever happens."""
    browser = _find_browser()
    home = tmp_path / "browser-home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_CACHE_HOME=str(home))
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={home / 'profile'}",
        *args,
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        # Chromium forks helpers (zygote, GPU, network); end the whole group.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
    assert proc.returncode == 0, err.decode("utf-8", "replace")[-2000:]
    return out.decode("utf-8", "replace")


@pytest.fixture
def report(tmp_path, mixed_results) -> Path:
    mixed_results["runs"][0]["cases"][1]["message"] = "order mismatch <script>alert(1)</script>"
    path = tmp_path / "report.html"
    write_html(mixed_results, path)
    return path


def _dump(tmp_path: Path, url: str) -> str:
    return _run_browser(tmp_path, "--window-size=1280,900", "--dump-dom", url)


def test_dom_after_scripts_ran(tmp_path, report):
    dom = _dump(tmp_path, report.as_uri())
    assert re.search(r'<html[^>]*data-ready="1"', dom), "the report's script did not run"
    # Summary: both loops with their percentages and gates.
    assert re.search(r'<div class="big tone-[a-z]+">25%</div>', dom)
    assert re.search(r'<div class="big tone-good">100%</div>', dom)
    assert "gate: fail" in dom and "gate: pass" in dom
    # A failure's details: clause quote, expected vs actual, repro command.
    block = dom[dom.index("loop.call_soon/fifo-order/from-callback</span>") :]
    block = block[: block.index("</details>")]
    assert "Callbacks are called in the order in which they are registered." in block
    assert '<pre class="expected">[0, 1, 2]</pre>' in block
    assert '<pre class="actual">[0, 2, 1]</pre>' in block
    assert "asyncio-conformance repro" in dom
    # The injected script stayed text: the browser created no element for it.
    assert "order mismatch &lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert dom.count("<script") == 1
    # The compatibility matrix with one column per loop.
    assert "Compatibility matrix" in dom
    matrix = dom[dom.index('<table class="matrix">') :]
    matrix = matrix[: matrix.index("</table>")]
    assert ">asyncio</th>" in matrix and ">uvloop</th>" in matrix
    assert 'class="c o-crash"' in matrix


def test_filter_from_the_address_hides_rows(tmp_path, report):
    dom = _dump(tmp_path, report.as_uri() + "?q=fifo-order&outcome=fail")
    assert '<span id="count">1 of 10 cases</span>' in dom
    rows = re.findall(r'<tr class="case-row"([^>]*)>\s*<td class="case-id">([^<]+)</td>', dom)
    visible = [case_id for attrs, case_id in rows if "hidden" not in attrs]
    assert visible == ["loop.call_soon/fifo-order/from-callback"]
    assert len(rows) == 10


def test_screenshot(tmp_path, report):
    shot = tmp_path / "report.png"
    _run_browser(tmp_path, "--window-size=1280,1600", f"--screenshot={shot}", report.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a blank page is a few KiB; the report is much more
