"""The office's record: what the office issued (签发), received and decided, read back and never re-derived.

One SQLite file beside the inputs (``inputs/record.sqlite``), shared by the CLI and the portal, append-only.
`store.py` reads and writes it; `render/record_xlsx.py` writes it out as a workbook for the archive.
"""
