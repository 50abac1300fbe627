"""Markers on the rows that need them: a host without IPv6 skips the IPv6 rows only.

Docker's default network has no IPv6, so a loop author's CI in a container
must not silently lose the rest of a table over transport kinds. This runs the
stdlib loop in a network namespace with loopback only and IPv6 switched off
(``unshare -n``, which needs root) and compares with the host's own run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def _ipv6_cases() -> list:
    """The cases that declare they need IPv6 (row or clause ``requires: [ipv6]``)."""
    from conformance.spec.load import load_suite

    return [case for case in load_suite().cases if "ipv6" in case.markers.requires]


def _uses_ipv6(case) -> bool:
    text = case.id + (case.code or "") + repr(case.params)
    return any(sign in text for sign in ("6]", "6-", "::1", "AF_INET6", "ipv6", "inet6"))


def test_only_ipv6_cases_need_ipv6() -> None:
    """A clause-wide ``requires: [ipv6]`` over rows that never touch IPv6 would
    silently drop those rows on a host without IPv6 (Docker's default)."""
    needless = [case.id for case in _ipv6_cases() if not _uses_ipv6(case)]
    assert not needless


needs_netns = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None,
    reason="needs root, unshare and ip to make a network namespace without IPv6",
)


def _run(tmp_path: Path, name: str, no_ipv6: bool) -> dict:
    out = tmp_path / f"{name}.json"
    command = [
        sys.executable,
        "-m",
        "conformance",
        "run",
        "--loop",
        "asyncio",
        "-q",
        "--json",
        str(out),
    ]
    if no_ipv6:
        script = (
            "ip link set lo up && sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 && "
            "sysctl -q -w net.ipv6.conf.lo.disable_ipv6=1 && exec " + " ".join(command)
        )
        command = ["unshare", "-n", "sh", "-c", script]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return {"results": json.loads(out.read_text()), "stdout": proc.stdout}


@needs_netns
def test_without_ipv6_only_ipv6_rows_skip_and_the_summary_says_so(tmp_path: Path) -> None:
    host = _run(tmp_path, "host", no_ipv6=False)
    bare = _run(tmp_path, "bare", no_ipv6=True)
    (host_run,) = host["results"]["runs"]
    (bare_run,) = bare["results"]["runs"]
    extra = bare_run["summary"]["skip"] - host_run["summary"]["skip"]
    assert 0 < extra <= len(_ipv6_cases()), extra
    assert bare_run["summary"]["skipped_for_host"] == {"ipv6": extra}
    assert f"SKIPPED  {extra} cases: this host has no ipv6" in bare["stdout"]
    newly = [c for c in bare_run["cases"] if c["outcome"] == "skip"]
    newly = [
        c
        for c in newly
        if c["id"] not in {h["id"] for h in host_run["cases"] if h["outcome"] == "skip"}
    ]
    assert all(c["message"] == "needs ipv6, which this host lacks" for c in newly)
    assert bare_run["summary"]["gate"] == "pass", "nothing may fail for want of IPv6"
