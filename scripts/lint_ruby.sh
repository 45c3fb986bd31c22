#!/bin/sh
# `ruby -wc` on every Ruby file of the repository; any warning fails.
set -eu
cd "$(dirname "$0")/.."
if ! command -v ruby >/dev/null 2>&1; then
  echo "lint_ruby: ruby is not installed; skipping (apt-get install ruby)"
  exit 0
fi
status=0
for file in $(git ls-files '*.rb' 'bridges/ruby/bin/*'); do
  output=$(ruby -wc "$file" 2>&1 >/dev/null) || status=1
  if [ -n "$output" ]; then
    echo "$output"
    status=1
  fi
done
exit $status
