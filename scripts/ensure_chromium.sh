#!/bin/sh
# The Workbench's browser tests drive Debian's chromium (headless) through Playwright;
# Playwright's own browser download is never used.
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
exec sh "$(dirname "$0")/apt_install.sh" "the Workbench's browser tests" \
  "without it they are skipped" chromium fonts-dejavu-core
