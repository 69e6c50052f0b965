"""Benchmarks at HR scale against the I/O floor (python -m benchmarks.run)."""
