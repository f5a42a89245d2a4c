#!/usr/bin/env bash
# Builds the agent and runs the demo: an app that asks for NO proxy runs under the agent, a real
# Squid in front, a loopback destination behind; prints what the destination saw and the audit events.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
./mvnw -B -ntp -q install -DskipTests
cp="examples/demo/target/classes:$(cat examples/demo/target/app-classpath.txt)"
exec java -cp "$cp" io.mcpegress.demo.Demo agent/target/mcp-egress-agent.jar "$cp"
