"""Moving data between the laptops and the centre (issue 7).

- ``protocol``: the wire format, version 1 (pydantic), with one error shape and stable codes;
- ``merge``: the field-level three-way merge, shared by server and laptop;
- ``client``: the laptop's side: enroll, push the outbox in batches, pull the assigned villages,
  bundles, the reviewer's requests;
- ``bundle``: the outbox as one signed, sealed file for a USB stick;
- ``conflicts``: the township reviewer's conflicts, described and resolved;
- ``receipt``: the sync receipt as a printed page;
- ``commands``: ``fieldbook enroll``, ``fieldbook sync``, ``fieldbook bundle``;
- ``server``: the FastAPI server (``fieldbook-server``), its tables, devices, reports.
"""
