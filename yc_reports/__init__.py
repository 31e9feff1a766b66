"""yc-reports: the quarterly progress cycle of Yichang's ten-action programme.

Data flows one way: registry -> workbook templates; workbooks -> parse (records + issues)
-> checks -> report model -> renderers (docx, charts, xlsx, json). The library never prints;
`yc_reports.cli` is a thin layer over it.
"""

__version__ = "0.1.0"
