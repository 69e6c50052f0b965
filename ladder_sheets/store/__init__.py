"""The history store: the whole ratings history in a file beside the workbook, opted into per
workbook (`ladder-sheets history store WORKBOOK`), for organisations whose history outgrows
the workbook.

    acme.xlsx                 Ratings History keeps the cycles readiness and trends need;
                              the History Store sheet records the store (record.py)
    acme.history.parquet      every rating, every cycle (files.py)

- files.py: the Parquet file, its stamp (which workbook, which generation) and its codec;
- record.py: the History Store sheet in the workbook;
- attach.py: the reader's side: the store checked against the record (missing, another
  workbook's, older, newer, changed: refused, exit 2) and its cycles joined to the sheet's;
- write.py: merge's side: the cycles the sheet keeps, the store written with the workbook;
- export.py: `history export`, the whole history to .xlsx or CSV;
- `history unstore` (commands/merge.py, `unstore`): the whole history back into Ratings History,
  the History Store sheet removed (xlsx/remove.py) and the store deleted;
- advice.py: check's note when the history is past where a store pays off.

Why Parquet and not DuckDB (scripts/measure_store.py; 2 cores shared with other work, load
average 6-8 during the runs, median of 5 runs; the synthetic organisation of
benchmarks/synthetic.py, manager and self ratings, all cycles but the last in the store, then
the last one written):

    people x cycles   rows      size on disk        write one cycle     read all (pandas)
                                Parquet  DuckDB     Parquet  DuckDB     Parquet  DuckDB
    2,000 x 8         355,380   0.20 MB  2.37 MB    0.52 s   0.33 s     2.53 s   3.28 s
    2,000 x 16        709,296   0.40 MB  4.21 MB    0.90 s   0.27 s     5.01 s   5.81 s

Parquet is a tenth of the size (the store travels with the workbook: mail, SharePoint,
backups), reads back faster, and is one plain file any tool opens (pandas, Power Query,
DuckDB itself); DuckDB appends a cycle faster (an INSERT against rewriting the file), but at
under a second for 700,000 rows the rewrite costs less than reading the workbook's other
sheets, and a rewritten file replaced atomically cannot be left half-written by a crash. Read
times above convert every value to the object columns the reader builds (Parquet's own read is
a small part of them; files.read_store converts each distinct text once through the dictionary
encoding, which is faster than the measured generic conversion).
"""
