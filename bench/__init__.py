"""Benchmarks: standalone scripts that seed a large database and print timings."""
