"""Benchmarks: run `uv run python -m benchmarks` (see README, "Benchmarks")."""
