"""The MySQL and MariaDB driver: dev databases, inspection, normalisation and planning."""
