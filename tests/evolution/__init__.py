"""Evolution tests: the example project changed step by step, planned on SQLite, PostgreSQL and MySQL."""
