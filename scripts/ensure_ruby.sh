#!/bin/sh
# Ruby steps need Ruby with Debian's gRPC and protobuf packages (RubyGems is not used).
PACKAGES="ruby ruby-grpc ruby-google-protobuf ruby-grpc-tools"
if command -v ruby >/dev/null 2>&1 \
   && ruby -e 'require "grpc"; require "google/protobuf"' >/dev/null 2>&1 \
   && command -v grpc_tools_ruby_protoc >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Ruby from Debian's packages: $PACKAGES"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null
  exit $?
fi
echo "note: Ruby steps need: sudo apt-get install $PACKAGES"
echo "      (projects without Ruby steps do not; Ruby tests are skipped without it)"
