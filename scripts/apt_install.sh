#!/bin/sh
# apt_install.sh FOR NOTE PACKAGE...: what the ensure_*.sh scripts do once something is
# missing. As root with apt, install the packages (failing as apt fails); otherwise print
# the command to run, and NOTE (what happens without them).
what="$1"
note="$2"
shift 2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing for $what, from Debian's packages: $*"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  exit $?
fi
echo "note: for $what, run: sudo apt-get install $*"
echo "      ($note)"
