#!/bin/sh
# Running on Redis (and its tests, which start a private redis-server) needs Debian's
# redis-server; the embedded SQLite backend does not.
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
exec sh "$(dirname "$0")/apt_install.sh" "the Redis backend" \
  "the SQLite default does not need it; Redis tests are skipped without it" \
  redis-server
