"""Benchmark of a portfolio (issue 18): S sources of M proposals each, served over HTTP.

Rows:

* ``portfolio-fetch``  every source fetched, judged and cached: :func:`sources.load`, the
  call the build makes at ``config-inited``, in-process (the fetch cost, shown apart)
* ``portfolio``        a fresh ``sphinx-build`` of the portfolio (no proposals of its own,
  ``dep_portfolio = True``): index, traceability, review report, status chart and graph
  over every source, external needs for sphinx-needs; the fetch is inside it
* ``portfolio-cached`` the same build with the sites gone: every source from the cache

The ratio table gives seconds per 1000 proposals at each size: flat means linear.

``python bench/portfolio.py [--sizes 10x200,50x200] [--repeat 1] [--no-graph]``
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sphinxcontrib_dep.core import sources  # noqa: E402

#: Warnings of the builds measured last, by kind (``dep.source``: one per source when cached).
KINDS: dict[str, int] = {}

STATUSES = ["Approved", "Implemented", "Under Review", "In Progress", "Superseded", "Deferred"]


def source_document(index: int, count: int, keys: list[str]) -> dict:
    """A source's deps.json: replacements inside it, every 50th across to the previous source
    (written on both sides, so the portfolio's check across sources finds nothing)."""
    deps = []
    for number in range(1, count + 1):
        replaces = [f"DEP-{number - 1:04d}"] if number % 10 == 0 else []
        replaced_by = [f"DEP-{number + 1:04d}"] if number % 10 == 9 else []
        if number % 50 == 0 and index > 0:
            replaces.append(f"{keys[index - 1]}:DEP-{number:04d}")
        if number % 50 == 0 and index + 1 < len(keys):
            replaced_by.append(f"{keys[index + 1]}:DEP-{number:04d}")
        deps.append(
            {
                "id": f"DEP-{number:04d}",
                "number": number,
                "title": f"Proposal {number} of {keys[index]}: a change of some length to show",
                "status": STATUSES[number % len(STATUSES)],
                "category": "Architecture",
                "authors": [f"@author{number % 17}"],
                "sponsors": [],
                "reviewers": [{"name": "@rev", "status": "Approved"}],
                "review_date": "2026-01-10",
                "replaces": replaces,
                "replaced_by": replaced_by,
                "pull_request": None,
                "implementation": [f"https://github.com/org/{keys[index]}/pull/{number}"],
                "path": f"deps/{number:04d}-proposal-{number}.md",
                "page": f"deps/{number:04d}-proposal-{number}.html",
            }
        )
    return {"schema_version": 2, "deps": deps, "sources": {}}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def write_sites(work: Path, count: int, per_source: int) -> list[str]:
    keys = [f"s{i:02d}" for i in range(count)]
    for index, key in enumerate(keys):
        folder = work / "sites" / key
        folder.mkdir(parents=True)
        (folder / "deps.json").write_text(json.dumps(source_document(index, per_source, keys)))
    return keys


def write_portfolio(src: Path, url: str, keys: list[str], graph: bool) -> dict:
    setting = {key: {"deps": f"{url}{key}/deps.json"} for key in keys}
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        "\n".join(
            [
                'project = "portfolio"',
                'extensions = ["sphinxcontrib_dep"]',
                "dep_history = False",
                "dep_portfolio = True",
                f"dep_sources = {setting!r}",
                "html_sidebars = {'**': ['searchbox.html']}",
            ]
        )
        + "\n"
    )
    views = ["dep-status-chart", "dep-index", "dep-traceability", "dep-review-report"]
    if graph:
        views.append("dep-graph")
    (src / "index.md").write_text("# Portfolio\n\n" + "".join(f"```{{{v}}}\n```\n\n" for v in views))
    return setting


def build(src: Path, out: Path) -> tuple[float, float, int, int]:
    """Wall seconds, child CPU seconds, peak RSS (KB) and warnings of one fresh build
    (their kinds, ``[dep.source]`` and the like, are counted in ``KINDS``)."""
    shutil.rmtree(out, ignore_errors=True)
    warnings = out.parent / f"{out.name}-warnings.txt"
    argv = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-w", str(warnings), str(src), str(out)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {' '.join(argv)}")
    lines = (
        [line for line in warnings.read_text().splitlines() if "WARNING" in line] if warnings.exists() else []
    )
    for line in lines:
        kind = line.rsplit("[", 1)[-1].rstrip("]") if line.endswith("]") else line[-80:]
        KINDS[kind] = KINDS.get(kind, 0) + 1
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, len(lines)


def measure(work: Path, count: int, per_source: int, repeat: int, graph: bool) -> list[dict]:
    keys = write_sites(work, count, per_source)
    server, url = serve(work / "sites")
    n = count * per_source
    rows = []
    src, out = work / "portfolio", work / "out"
    try:
        setting = write_portfolio(src, url, keys, graph)
        fetch = []
        for _ in range(repeat):
            shutil.rmtree(work / "cache", ignore_errors=True)
            loaded = sources.load(setting, base=work, cache=work / "cache", timeout=60)
            assert not loaded.diagnostics, loaded.diagnostics
            fetch.append(loaded.seconds)
        rows.append(_row("portfolio-fetch", n, fetch, [], 0, 0, f"{count} sources x {per_source}"))
        runs = [build(src, out) for _ in range(repeat)]
        rows.append(
            _row("portfolio", n, *_split(runs), "views over every source" + ("" if graph else ", no graph"))
        )
    finally:
        server.shutdown()
        server.server_close()
    runs = [build(src, out) for _ in range(repeat)]
    rows.append(_row("portfolio-cached", n, *_split(runs), "sites gone: one warning per source"))
    return rows


def _split(runs: list[tuple[float, float, int, int]]) -> tuple[list[float], list[float], int, int]:
    if KINDS:
        print("warnings:", ", ".join(f"{kind} x{count}" for kind, count in sorted(KINDS.items())), flush=True)
        KINDS.clear()
    return [r[0] for r in runs], [r[1] for r in runs], max(r[2] for r in runs), runs[-1][3]


def _row(
    name: str, n: int, wall: list[float], cpu: list[float], peak_kb: int, warnings: int, note: str
) -> dict:
    return {
        "row": name,
        "n": n,
        "median": statistics.median(wall),
        "min": min(wall),
        "max": max(wall),
        "cpu_median": statistics.median(cpu) if cpu else 0.0,
        "peak_mb": peak_kb / 1024,
        "load": os.getloadavg()[0],
        "warnings": warnings,
        "note": note,
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| row | N | median s | min-max s | cpu s | peak MB | load | warnings | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['row']} | {row['n']} | {row['median']:.3f} | {row['min']:.3f}-{row['max']:.3f} | "
            f"{row['cpu_median']:.3f} | {row['peak_mb']:.0f} | {row['load']:.2f} | {row['warnings']} | {row['note']} |"
        )
    sizes = sorted({row["n"] for row in rows})
    lines += ["", "| ratio | " + " | ".join(f"N={n}" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for name in ("portfolio-fetch", "portfolio", "portfolio-cached"):
        cells = []
        for n in sizes:
            found = [row for row in rows if row["row"] == name and row["n"] == n]
            cells.append(f"{1000 * found[0]['median'] / n:.3f}" if found else "")
        lines.append(f"| {name} s per 1000 proposals | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10x200,50x200", help="SOURCESxPROPOSALS, comma-separated")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-graph", action="store_true", help="leave dep-graph out of the portfolio page")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    started = time.monotonic()
    for size in args.sizes.split(","):
        count, per_source = (int(part) for part in size.lower().split("x"))
        with tempfile.TemporaryDirectory(prefix="dep-portfolio-") as work:
            rows += measure(Path(work), count, per_source, args.repeat, not args.no_graph)
    text = table(rows)
    print(f"portfolio benchmark, {os.cpu_count()} CPUs, {time.monotonic() - started:.0f} s in all\n")
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (args.results / f"portfolio-{stamp}.json").write_text(json.dumps({"rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
