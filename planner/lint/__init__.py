"""``migrate lint``: replay the directory on the dev database, run the new files statement by statement, and
let analyzers (one module per family under :mod:`.analyzers`) judge each statement's effect on the schema."""
