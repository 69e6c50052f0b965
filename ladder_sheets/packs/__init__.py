"""Pack workbooks: recipients, per-person slices, passwords and the sheets of one pack.

The `packs` command that runs them is `ladder_sheets.commands.packs`.
"""
