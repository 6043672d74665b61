"""The PostgreSQL driver: dev databases, inspection, normalisation and planning."""
