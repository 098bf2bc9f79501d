"""Benchmark scripts, runnable as `python bench/<name>.py` or `python -m bench.<name>`."""
