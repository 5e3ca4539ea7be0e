"""Benchmarks: bench/run.py (make bench) and bench/first_page.sh; see bench/README.md."""
