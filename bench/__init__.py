"""Benchmarks that print numbers (never timed unit tests). Run `python -m bench` or `python -m bench --quick`."""
