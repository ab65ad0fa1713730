"""Run the benchmarks and print a Markdown table for the README.

`python -m benchmarks` runs the default set (NAMES); `python -m benchmarks flows
governance` runs only those named (the modules `benchmarks/bench_<name>.py`), which may
also be one of ON_REQUEST: those load the whole machine for minutes (`load`: the pages
under 100 requests a second; `year`: a programme's year through the commands), so
they run only when named. Each module is imported only
when it runs: the flows' benchmarks import prefect, which takes seconds.
"""

from __future__ import annotations

import importlib
import platform
import sys

NAMES = (
    "checklists",
    "governance",
    "commands",
    "notifications",
    "pages",
    "checklist_pages",
    "board_pages",
    "board_pack",
    "audit",
    "flows",
    "sweep",
    "storage",
)
ON_REQUEST = ("load", "year")


def main(argv: list[str] | None = None) -> None:
    chosen = list(argv if argv is not None else sys.argv[1:]) or list(NAMES)
    known = NAMES + ON_REQUEST
    unknown = [name for name in chosen if name not in known]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    rows: list[tuple[str, str, str]] = []
    for name in chosen:
        rows += importlib.import_module(f"benchmarks.bench_{name}").run()
    print(f"Python {platform.python_version()} on {platform.machine()}, {sys.platform}\n")
    print("| benchmark | result | ratio against the same-run baseline |")
    print("|---|---|---|")
    for name, result, ratio in rows:
        print(f"| {name} | {result} | {ratio} |")


if __name__ == "__main__":
    main()
