#!/usr/bin/env bash
# Performance benchmarks (issue 7): JMH microbenchmarks of the hot path, the audit writer's
# events/s to a file, the agent jar's size, and the whole-process benchmark (child JVMs with no
# agent / our agent audit-only / our agent with a 50-rule policy / the OpenTelemetry agent:
# start-up; rounds of one child run per configuration, forwards and backwards in alternate rounds;
# then paired windows, one live child per configuration measured in turn, 1 s each). About 40
# minutes in all. Results: test-apps/benchmarks/target/bench/summary.md (and jmh.txt, jmh.json,
# writer.txt, whole-process.md, whole-process-raw.csv, paired-windows-raw.csv, child stderr logs).
#
#   scripts/benchmark.sh                  # everything
#   SKIP_BUILD=1 scripts/benchmark.sh     # reuse the jars already built
#   ROUNDS=2 WARMUP=20 MEASURE=5 STARTUP_REPS=25 WINDOWS=10 WINDOW_MS=1000 JMH_ARGS='-f 1 -wi 2 -i 3 -w 1s -r 1s' scripts/benchmark.sh
#
# See docs/performance.md for what is measured and the targets.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=$ROOT/test-apps/benchmarks
OUT=${OUT:-$BENCH/target/bench}
# even: as many rounds with the configurations forwards as backwards (WholeProcessBenchmark.roundOrder)
# 2: the req/s of one configuration moved by up to +-45 % between rounds on a shared 2 vCPU VM;
# the ratios come from the paired windows below, the rounds give the per-run CPU and memory
ROUNDS=${ROUNDS:-2}
# 20 s: after 10 s C2 was still compiling the policy and socket-guard code on 2 cores, which the
# sequential phase that follows paid as up to +20 µs CPU per request (eighth run, performance.md)
WARMUP=${WARMUP:-20}
MEASURE=${MEASURE:-5}
# 15: one-call JVMs on a shared VM spread over 200 ms even without an agent; a median of 9 moved
# by +-50 ms between runs (twelfth and thirteenth runs). A rep of all five configurations is ~9 s.
STARTUP_REPS=${STARTUP_REPS:-25}
# paired windows (PairedWindows): cycles, and the length of each configuration's window in each
WINDOWS=${WINDOWS:-10}
WINDOW_MS=${WINDOW_MS:-1000}
WRITER_EVENTS=${WRITER_EVENTS:-300000}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 2 -i 3 -w 1s -r 1s}
JAVA=${JAVA:-java}

if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "== build (agent jar, benchmarks.jar, OpenTelemetry agent)" >&2
  ./mvnw -B -q -ntp install -DskipTests -Pbenchmark -pl test-apps/benchmarks -am
fi
rm -rf "$OUT"
mkdir -p "$OUT/jars"
# snapshot the jars: a concurrent rebuild of agent/target must not break (or change) a run in progress
cp "$ROOT/agent/target/mcp-egress-agent.jar" "$BENCH/target/otel/opentelemetry-javaagent.jar" "$BENCH/target/benchmarks.jar" "$OUT/jars/"
AGENT_JAR=$OUT/jars/mcp-egress-agent.jar
OTEL_JAR=$OUT/jars/opentelemetry-javaagent.jar
BENCH_JAR=$OUT/jars/benchmarks.jar

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(free -m | awk '/^Mem:/ {print $2 " MB total, " $7 " MB available"}')"
  echo "kernel: $(uname -sr)"
  echo "java: $("$JAVA" -version 2>&1 | tr '\n' ' ')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "agent jar: $(stat -c %s "$AGENT_JAR") bytes ($AGENT_JAR)"
  echo "otel agent jar: $(stat -c %s "$OTEL_JAR") bytes ($(unzip -p "$OTEL_JAR" META-INF/MANIFEST.MF 2>/dev/null | grep -i '^Implementation-Version' | tr -d '\r' || true))"
} | tee "$OUT/machine.txt" >&2

# No memory pre-touch: on this kind of VM (virtio_balloon with free page reporting) pages freed by a
# pre-touching JVM go back to the host within seconds, so a later first write to them faults on the
# host again (dd: 1.2 GB/s into fresh page cache, 2.4 GB/s right after, 1.1 GB/s again 15 s later).
# See "Found while benchmarking" in docs/performance.md.

echo "== JMH hot-path microbenchmarks ($JMH_ARGS -prof gc)" >&2
# shellcheck disable=SC2086
"$JAVA" -jar "$BENCH_JAR" $JMH_ARGS -prof gc -rf json -rff "$OUT/jmh.json" 'io.mcpegress.benchmarks.HotPathBenchmark' \
  | tee "$OUT/jmh.txt"

echo "== audit writer: events/s to a file on one writer thread" >&2
"$JAVA" -Xms1g -Xmx1g -cp "$BENCH_JAR" io.mcpegress.benchmarks.WriterThroughput "$OUT/writer" "$WRITER_EVENTS" 5 \
  | tee "$OUT/writer.txt"
rm -rf "$OUT/writer"

echo "== whole process: $ROUNDS interleaved rounds, warm-up ${WARMUP}s, ${MEASURE}s + ${MEASURE}s per child; $WINDOWS cycles of paired ${WINDOW_MS} ms windows" >&2
"$JAVA" -cp "$BENCH/target/classes" io.mcpegress.benchmarks.WholeProcessBenchmark \
  --agent "$AGENT_JAR" --otel "$OTEL_JAR" --out "$OUT" \
  --rounds "$ROUNDS" --warmup "$WARMUP" --measure "$MEASURE" --startup-reps "$STARTUP_REPS" \
  --windows "$WINDOWS" --window-ms "$WINDOW_MS" > "$OUT/whole-process.stdout"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt" >&2

{
  echo "# Benchmark run"
  echo
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  echo
  echo "## Hot path (JMH, ns/op and bytes allocated per op)"
  echo
  if command -v python3 > /dev/null; then
    python3 - "$OUT/jmh.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("| benchmark | ns/op | ± (99.9%) | B/op |")
print("|---|---:|---:|---:|")
for r in rows:
    name = r["benchmark"].rsplit(".", 1)[1]
    pm = r["primaryMetric"]
    num = lambda v: float(v) if v is not None else float("nan")   # JMH writes "NaN" as a string
    alloc = num(r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score"))
    err = num(pm.get("scoreError"))
    print(f"| {name} | {num(pm['score']):,.1f} | {err:,.1f} | {alloc:,.0f} |")
PY
  else
    grep -E 'avgt' "$OUT/jmh.txt" | grep -E 'ns/op|gc.alloc.rate.norm'
  fi
  echo
  # the pipelineOffer trial's own line (other trials print zeros): how many offers the writer kept up with
  grep -h '^\[pipelineOffer\] offered=[1-9]' "$OUT/jmh.txt" | tail -1 || true
  echo
  echo "## Audit writer (one thread, RotatingFileSink)"
  echo
  echo '```'
  cat "$OUT/writer.txt"
  echo '```'
  echo
  echo "## Whole process"
  echo
  cat "$OUT/whole-process.md"
} > "$OUT/summary.md"
cat "$OUT/summary.md"
echo "(written to $OUT/summary.md)" >&2
