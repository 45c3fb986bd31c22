#!/bin/sh
# The Workbench's browser tests drive Debian's chromium (headless) through Playwright;
# Playwright's own browser download is never used. Installed when missing and running
# as root, otherwise the command to run is printed (the browser tests then skip).
PACKAGES="chromium fonts-dejavu-core"
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium from Debian's packages (for the Workbench's browser tests)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null
  exit $?
fi
echo "note: the Workbench's browser tests need: sudo apt-get install $PACKAGES"
echo "      (they are skipped without it)"
