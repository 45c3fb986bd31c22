#!/bin/sh
# Ruby steps need Ruby with Debian's gRPC and protobuf packages (RubyGems is not used).
if command -v ruby >/dev/null 2>&1 \
   && ruby -e 'require "grpc"; require "google/protobuf"' >/dev/null 2>&1 \
   && command -v grpc_tools_ruby_protoc >/dev/null 2>&1; then
  exit 0
fi
exec sh "$(dirname "$0")/apt_install.sh" "Ruby steps" \
  "projects without Ruby steps do not; Ruby tests are skipped without it" \
  ruby ruby-grpc ruby-google-protobuf ruby-grpc-tools
