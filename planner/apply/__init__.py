"""Applying a migration directory to a database, Atlas-compatible: ``migrate apply``, ``status`` and ``set``.

- ``executor``: the apply workflow (lock, pending files, transactions, revision rows, failure records).
- ``pending``: which files are pending (Atlas's rules: clean database, baseline, execution order).
- ``revisions``: the ``atlas_schema_revisions`` row model and statement hashes.
- ``dialects``: per-dialect connection, lock, transactions and revisions-table SQL.
- ``status``, ``setrev``: ``migrate status`` and ``migrate set``.
- ``report``, ``log``: what the commands print (Atlas's text layout and JSON field names).
- ``durations``: Go duration text (``--lock-timeout 10s``, ``-- ok (1.2ms)``).
"""
