"""Run every benchmark and print a Markdown table for the README."""

from __future__ import annotations

import platform
import sys

from benchmarks import bench_checklists, bench_governance, bench_notifications


def main() -> None:
    rows = bench_checklists.run()
    rows += bench_governance.run()
    rows += bench_notifications.run()
    print(f"Python {platform.python_version()} on {platform.machine()}, {sys.platform}\n")
    print("| benchmark | result | ratio against the same-run baseline |")
    print("|---|---|---|")
    for name, result, ratio in rows:
        print(f"| {name} | {result} | {ratio} |")


if __name__ == "__main__":
    main()
