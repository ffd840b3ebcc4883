"""Printed paper and scanning back (Q12): QR household cards, publicity lists, the household book,
problem lists and the day-end report, as PDFs (reportlab) with an embedded Chinese font.

- ``payload``: the card's QR text (versioned, signed per county, no personal data);
- ``keys``: the county's card key and code in the settings table;
- ``templates`` + ``resources/cards/*.toml``: the card's layout; ``sheet``: cards on sheets;
- ``service``: printing cards end to end (issue numbers saved through ``save_household``);
- ``verify``: a scanned code checked against the database;
- ``data``: the store reads behind every document; ``documents``: the lists and reports;
- ``commands``: ``fieldbook cards`` and ``fieldbook print-list``.

Nothing here imports Qt; ``desktop.ui.print_preview`` and ``desktop.ui.scan`` sit on top.
"""
