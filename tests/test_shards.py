"""Sharded runs, merged, give exactly the verdicts of the unsharded run."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli

LOOP = "tests.loops:leaky_close_loop"  # fails a few cases and a hygiene check: a rich run


def _run(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / f"{name}.json"
    proc = run_cli("run", "--loop", LOOP, "-q", "--json", str(out), *args)
    assert out.exists(), proc.stdout + proc.stderr
    return out


def _verdicts(path: Path) -> dict:
    (run,) = json.loads(path.read_text())["runs"]
    return {
        "cases": [(c["id"], c["outcome"], c["raw_outcome"], c["finding"]) for c in run["cases"]],
        "hygiene": [(h["id"], h["outcome"], h["message"]) for h in run["hygiene"]],
        "findings": [(f["id"], f["kind"], f["clause"], f["count"]) for f in run["findings"]],
        "gate": run["summary"]["gate"],
        "counts": {k: v for k, v in run["summary"].items() if k not in ("by_section",)},
    }


def test_three_shards_merge_into_the_whole_run(tmp_path: Path) -> None:
    whole = _run(tmp_path, "whole")
    shards = [_run(tmp_path, f"shard{k}", "--shard", f"{k}/3") for k in (1, 2, 3)]
    sizes = [len(json.loads(p.read_text())["runs"][0]["cases"]) for p in shards]
    assert max(sizes) - min(sizes) <= 1, "cases are dealt out evenly"
    merged = tmp_path / "merged.json"
    proc = run_cli("merge", *map(str, shards), "--json", str(merged))
    assert proc.returncode == 1, "the merged gate fails as the whole run's does"
    assert _verdicts(merged) == _verdicts(whole)
    diff = run_cli("diff", str(whole), str(merged))
    assert diff.returncode == 0 and "0 regressions, 0 fixes" in diff.stdout


def test_overlapping_shards_are_refused(tmp_path: Path) -> None:
    one = _run(tmp_path, "one", "--shard", "1/2", "-k", "call_soon/")
    proc = run_cli("merge", str(one), str(one), "--json", str(tmp_path / "m.json"))
    assert proc.returncode == 2 and "in more than one of the files" in proc.stderr
