"""Benchmarks: `python -m bench [NAME ...] [--quick]` runs every `bench/*_bench.py`."""
