"""Writers: the workbooks the tool produces (template, write-back, reports)."""
