#!/usr/bin/env bash
# The whole test suite: unit tests, then the integration tests that run the test apps in child
# JVMs (JDK 17 and, when installed, JDK 25) with the real agent jar, a real Squid and loopback targets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
exec ./mvnw -B -ntp verify "$@"
