"""Benchmarks (`make bench`): speed and scale, measured beside their targets. Never part of `make test`."""
