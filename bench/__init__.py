"""Benchmarks: `make bench` runs them all; results and the exact commands live in docs/benchmarks.md."""
