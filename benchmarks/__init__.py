"""Benchmarks: scripts that print their figures (README, "Benchmarks"); a package so they share workloads."""
