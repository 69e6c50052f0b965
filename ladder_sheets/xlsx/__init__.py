"""The lossless engine: HR's .xlsx package edited part by part, written atomically."""
