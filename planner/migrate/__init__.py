"""The migration directory, in Atlas's format.

- ``directory``: files, naming and versions, writing a new file.
- ``checksum``: ``atlas.sum`` and its validation.
- ``directives``: ``-- atlas:...`` file header directives.
- ``split``: a file's statements (on sqlglot's tokenizer).
- ``writer``: a plan rendered as file content (default layout or a ``format`` template).
"""
