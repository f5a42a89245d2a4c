#!/usr/bin/env bash
# Installs what the tests and the demo need when it is missing: Squid (the real forward proxy
# the integration tests route through) and rsyslog with its TLS driver (the syslog sink is tested
# against it), Node.js/npm for the MCP client the MCP tests use (the test installs
# @modelcontextprotocol/inspector-cli itself). Debian packages; we run as root on CI and dev machines.
set -euo pipefail

need=()
command -v squid >/dev/null 2>&1 || [ -x /usr/sbin/squid ] || need+=(squid)
[ -x /usr/sbin/rsyslogd ] || need+=(rsyslog)
# the MCP integration test drives the example server with the real MCP inspector CLI (npm)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
compgen -G "/usr/lib/*/rsyslog/lmnsd_gtls.so" >/dev/null || compgen -G "/usr/lib/rsyslog/lmnsd_gtls.so" >/dev/null \
  || need+=(rsyslog-gnutls)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  # the Debian package starts a system-wide squid on :3128; the tests start their own
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop squid >/dev/null 2>&1 || true; fi
  $SUDO service squid stop >/dev/null 2>&1 || true
  # the package's own rsyslogd is not needed; the tests start theirs on free loopback ports
  $SUDO service rsyslog stop >/dev/null 2>&1 || true
fi
