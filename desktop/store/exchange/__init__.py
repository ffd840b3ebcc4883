"""Spreadsheets in and out, one module per job.

- ``columns``: the column maps (``resources/exchange/<name>.json``);
- ``writing``: workbooks and sheets with the national system's two header rows;
- ``reading``: the sheet a map finds in a workbook, and the cell converters every import uses;
- ``importing``: what the imports share: rows matched to people, the rows they will not take,
  one transaction for a whole import;
- ``registry_export``: households, members, income and assistance with the national columns;
- ``assistance_import``: the departments' assistance measures (Q14).

The cross-check (``desktop.store.crosscheck``), the departments' verification
(``desktop.store.verification``), the problem lists and the quota build on them.
"""
