"""Locations of households and village committees, and where each one came from.

- ``nmea``, ``gps``, ``sources``: NMEA 0183 from a serial/USB receiver or a recorded log, judged
  and averaged into accepted positions (one path for the dialog, ``fieldbook gps`` and tests);
- ``coords``: coordinates typed in decimal or DMS, Chinese or English notation;
- ``audit``: the location rules (stable ``LOC_…`` codes), the Q19 fallback among them;
- ``apply``: putting a chosen location on a household or village (saving is the store's job);
- ``queries``: the village map's data and the database-wide checks; ``mbtiles``: offline tiles;
- ``geo``: distances, the outline of China, the local projection; ``settings``: the figures
  of ``resources/location.toml``; ``commands``: the ``fieldbook gps`` subcommand.

No Qt here: the capture dialog and the village map live in ``desktop/ui/``.
"""
