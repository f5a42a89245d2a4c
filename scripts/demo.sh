#!/usr/bin/env bash
# The README's first command. Builds everything, then runs the stdio MCP example server
# (examples/weather-stdio, official MCP Java SDK) under the agent, driven by the real MCP Inspector
# CLI (npm, installed under examples/demo/target), with a real Squid as the egress proxy and a
# loopback HTTPS "weather API" behind it. Prints the tool results, what the API saw, and the audit
# events attributed to each tool call, including one denied SSRF attempt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
./mvnw -B -ntp -q install -DskipTests
inspector_prefix="$PWD/examples/demo/target/mcp-inspector"
inspector="$inspector_prefix/node_modules/@modelcontextprotocol/inspector-cli/build"
if [ ! -f "$inspector/index.js" ]; then
  echo "installing @modelcontextprotocol/inspector-cli into $inspector_prefix ..."
  npm install --no-audit --no-fund --silent --prefix "$inspector_prefix" @modelcontextprotocol/inspector-cli@1.0.3 >/dev/null
fi
demo_cp="examples/demo/target/classes:$(cat examples/demo/target/app-classpath.txt)"
server_cp="$PWD/examples/weather-stdio/target/classes:$(cat examples/weather-stdio/target/app-classpath.txt)"
exec java -cp "$demo_cp" io.mcpegress.demo.Demo agent/target/mcp-egress-agent.jar "$server_cp" "$inspector"
