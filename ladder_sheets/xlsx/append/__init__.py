"""Appending rows to a kept sheet without rewriting the rows already there."""
