#!/usr/bin/env bash
# A throwaway PostgreSQL for tests, in a temp folder, on 127.0.0.1 and a free port.
#
#   eval "$(bash scripts/postgres.sh)"   start it; exports DATABASE_URL and TAPEDECK_PG_DIR
#   bash scripts/postgres.sh stop        stop the one TAPEDECK_PG_DIR names and delete its folder
#
# PostgreSQL refuses to run as root: as root, it runs as the `postgres` user (created by the
# Debian package), or as a `tapedeck-pg` system user created for it. Only the exports go to
# stdout; progress and errors go to stderr.
set -euo pipefail
# runuser and useradd live in sbin, which a CI shell's PATH may leave out.
PATH="$PATH:/usr/sbin:/sbin"

find_bin() {
  local dir
  for dir in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")" /usr/local/bin \
    $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return
    fi
  done
  echo "postgres.sh: initdb and pg_ctl not found; install them with: apt-get install -y postgresql" >&2
  exit 1
}

os_user=""
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then
    os_user=postgres
  else
    id tapedeck-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tapedeck-pg
    os_user=tapedeck-pg
  fi
fi

as_user() {
  if [ -n "$os_user" ]; then runuser -u "$os_user" -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}

bin="$(find_bin)"

if [ "${1:-start}" = stop ]; then
  dir="${TAPEDECK_PG_DIR:?postgres.sh stop: TAPEDECK_PG_DIR is not set}"
  as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
  exit 0
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/tapedeck-pg.XXXXXX")"
chmod 700 "$dir"
[ -n "$os_user" ] && chown "$os_user" "$dir"
as_user "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }

# Another process may take the port between asking and binding: try a few.
for attempt in 1 2 3 4 5; do
  port="$(free_port)"
  if as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c full_page_writes=off" start >&2; then
    echo "postgres.sh: PostgreSQL is up on 127.0.0.1:$port (data in $dir)" >&2
    echo "export DATABASE_URL='postgres://postgres@127.0.0.1:$port/postgres'"
    echo "export TAPEDECK_PG_DIR='$dir'"
    exit 0
  fi
  echo "postgres.sh: start on port $port failed (attempt $attempt)" >&2
done
cat "$dir/postgres.log" >&2
exit 1
