#!/usr/bin/env bash
# Make sure the local PostgreSQL and MariaDB servers the test suite talks to are running.
# Servers named by GRATICULE_TEST_POSTGRES_URL / GRATICULE_TEST_MYSQL_URL elsewhere are the user's to run.
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
maria_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }

if [ -z "${GRATICULE_TEST_POSTGRES_URL:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_up; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi

if [ -z "${GRATICULE_TEST_MYSQL_URL:-}" ] && [ -x /usr/sbin/mariadbd ] && ! maria_up; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  for _ in $(seq 1 30); do maria_up && break; sleep 1; done
fi
exit 0
