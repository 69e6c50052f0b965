"""Calibration analysis: distributions, drift, manager consistency, the steps up, a summary."""
