#!/bin/sh
# `make bench` drives HTTP load with wrk, from Debian's packages.
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
exec sh "$(dirname "$0")/apt_install.sh" "make bench" "bench/run.py stops without it" wrk
