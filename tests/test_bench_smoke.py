"""The benchmark runs end to end at a tiny size, so it cannot rot. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import run  # noqa: E402


def test_generated_sites_hold_the_same_proposals(tmp_path: Path) -> None:
    dep = generate.write_site(tmp_path / "dep", 40, variant="dep", alternatives=True, phases=True)
    plain = generate.write_site(tmp_path / "plain", 40, variant="plain")
    assert [p.name for p in dep] == [p.name for p in plain]
    texts = [p.read_text() for p in dep]
    assert all(text.count("```{dep-meta}") == 1 for text in texts)
    assert any("```{dep-alternative} " in text for text in texts)
    assert any("```{dep-phase} 0 " in text for text in texts)
    assert any(":replaced-by: DEP-" in text for text in texts)
    assert any(":implementation: https://" in text for text in texts)
    plain_texts = [p.read_text() for p in plain]
    assert not any("{dep-" in text for text in plain_texts)
    assert all("| Status |" in text for text in plain_texts)
    # Within 20 % of the 3 KB the issue asks for, on average.
    assert 2400 < sum(map(len, texts)) / len(texts) < 3600


def test_benchmark_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    results = tmp_path / "results"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "5",
            "--scaling-sizes",
            "",
            "--lint-sizes",
            "",
            "--repeat",
            "1",
            "--target-n",
            "5",
            "--hostile-n",
            "5",
            "--hostile-size",
            "20000",
            "--history-n",
            "5",
            "--history-commits",
            "30",
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    written = list(results.glob("bench-*.json"))
    assert len(written) == 1
    data = json.loads(written[0].read_text())

    expected = {"floor", "lint", "a", "b", "a-incr", "b-incr", "a-j2", "b-j2", "a-furo", "b-furo"}
    expected |= {"value-base", "value-1mb", "value-2mb", "title-10k", "title-20k", "history"}
    if data["settings"]["cli"]:
        expected.add("lint-cli")
    rows = {row["row"]: row for row in data["rows"]}
    assert set(rows) == expected
    for row in rows.values():
        assert row["n"] == 5 and len(row["times"]) == 1 and len(row["load"]) == 1
        assert row["min"] <= row["median"] <= row["max"]
    for build in (
        "a",
        "b",
        "a-incr",
        "b-incr",
        "a-j2",
        "b-j2",
        "a-furo",
        "b-furo",
        "value-base",
        "value-1mb",
        "value-2mb",
        "title-10k",
        "title-20k",
    ):
        assert rows[build]["peak_mb"] > 0 and rows[build]["warnings"] == 0, build
    assert {"b/a", "b-incr/a-incr", "lint/floor", "memory b/a", "b-furo/b"} <= set(data["ratios"])
    assert len(data["machine"]["load_start"]) == 3
    # The graph still draws every proposal with one 20,000-character title.
    assert data["ratios"]["title-20k graph drawn"] == {"5": 1.0}
    assert data["hostile"]["graph"]["drawn"] == data["hostile"]["graph"]["numbered"] > 0

    # The history of 5 proposals and 30 commits: every status change found, one git process.
    note = rows["history"]["note"]
    made = int(note.split("(made: ")[1].split(")")[0])
    assert note.startswith(f"30 commits, 5 files, {made} status changes (made: {made}), 1 git process"), note

    # The printed table: one line per row, and the ratio lines with their targets.
    for name in expected:
        assert f"\n| {name} | 5 | " in proc.stdout, name
    assert "| b/a | " in proc.stdout and "<= 1.15" in proc.stdout
    # Every target of issue 16 with a verdict; those needing sizes not run say how to run them.
    for label, *_ in run.GOALS:
        assert f"| {label}" in proc.stdout, label
    assert (
        "| full build exponent to the large size |  | not measured (run with --large 10000) |" in proc.stdout
    )
    assert "| incremental b-incr/a-incr <= 1.3 | " in proc.stdout
    assert f"written: {written[0]}" in proc.stdout


def test_table_judges_targets() -> None:
    result = {
        "when": "2026-01-01T00:00:00+00:00",
        "seconds": 1.0,
        "machine": {"cpus": 2, "load_start": [1.0, 1.0, 1.0], "load_end": [2.0, 1.0, 1.0]},
        "versions": {"sphinx": "9"},
        "settings": {"repeat": 1, "reports": [], "alternatives": False, "phases": False},
        "rows": [
            {
                "row": "a",
                "n": 10,
                "median": 1.0,
                "min": 1.0,
                "max": 1.0,
                "peak_mb": 10,
                "load": [1.0],
                "warnings": 0,
            }
        ],
        "ratios": {"b/a": {"10": 1.1}, "lint/floor": {"10": 2.5}},
    }
    text = run.table(result, 10)
    assert "| b/a | 1.10 | <= 1.15 holds |" in text
    assert "| lint/floor | 2.50 | <= 2.0 MISSED |" in text


def test_portfolio_benchmark_runs(tmp_path: Path) -> None:
    """bench/portfolio.py end to end at 2 sources of 3 proposals: its rows, warnings, table."""
    results = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "portfolio.py"), "--sizes", "2x3", "--results", str(results)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (written,) = results.glob("portfolio-*.json")
    rows = {row["row"]: row for row in json.loads(written.read_text())["rows"]}
    assert set(rows) == {"portfolio-fetch", "portfolio", "portfolio-cached"}
    assert all(row["n"] == 6 for row in rows.values())
    # Every source fetched: no warning; then the sites gone: one per source, from the cache.
    assert rows["portfolio"]["warnings"] == 0
    assert rows["portfolio-cached"]["warnings"] == 2
    assert "| portfolio s per 1000 proposals | " in proc.stdout
