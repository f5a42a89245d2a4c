#!/usr/bin/env python3
"""Start-up A/B of agent builds or settings, finer than scripts/benchmark.sh's start-up table.

    scripts/startup-ab.py REPS LABEL 'JVM ARGS' [LABEL 'JVM ARGS' ...]

Runs StartupProbe (a JVM that makes one JDK HttpClient call and exits) against a LoopbackServer
it starts, REPS times per configuration plus one discarded rep, with no agent first in every rep
and the other configurations in alternating order. Reports, per configuration, the median wall
time and process CPU time (user + sys, from wait4) and their medians of paired differences
against the no-agent run of the same rep; then, for each pair of configurations given one after
the other (A B, C D, ...), the paired difference B - A. On a shared 2 vCPU VM wall-clock medians
of 20 reps move by +-15 ms between runs of the same jar; CPU time moves less.

A configuration whose environment has PREP_<LABEL> set runs that shell command before each of its
runs, e.g. PREP_first='rm -rf /tmp/wc-first' with '-Dmcp.egress.weave-cache=/tmp/wc-first' for a
real first start. Needs `./mvnw install -DskipTests -Pbenchmark -pl test-apps/benchmarks -am`.
"""
import os
import shlex
import statistics as st
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, 'test-apps', 'benchmarks', 'target')


def run(cmd):
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter_ns() - t0) / 1e6
    if status != 0:
        raise SystemExit('FAIL: ' + ' '.join(cmd))
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        raise SystemExit(__doc__)
    reps = int(sys.argv[1])
    confs = [('none', '')] + [(sys.argv[i], sys.argv[i + 1]) for i in range(2, len(sys.argv), 2)]
    server = subprocess.Popen(['java', '-cp', BENCH + '/classes:' + BENCH + '/client-libs/*',
                               'io.mcpegress.benchmarks.LoopbackServer'], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        results = {label: [] for label, _ in confs}
        for rep in range(reps + 1):
            others = confs[1:] if rep % 2 else confs[1:][::-1]
            for label, args in confs[:1] + others:
                prep = os.environ.get('PREP_' + label)
                if prep:
                    subprocess.run(prep, shell=True, check=True)
                cmd = ['java', '-Xms512m', '-Xmx512m', '-XX:+UseG1GC'] + shlex.split(args) + [
                    '-cp', BENCH + '/classes', 'io.mcpegress.benchmarks.StartupProbe', url]
                r = run(cmd)
                if rep > 0:  # the first rep warms the page cache
                    results[label].append(r)
    finally:
        server.terminate()
    base = results['none']
    print(f"{'config':12s} {'wall ms':>8s} {'added':>7s} {'cpu ms':>8s} {'added':>7s}   (medians; added = of paired differences)")
    for label, _ in confs:
        rows = results[label]
        wall = st.median([x[0] - b[0] for x, b in zip(rows, base)])
        cpu = st.median([x[1] - b[1] for x, b in zip(rows, base)])
        print(f"{label:12s} {st.median([x[0] for x in rows]):8.1f} {wall:+7.1f} {st.median([x[1] for x in rows]):8.1f} {cpu:+7.1f}")
    labels = [label for label, _ in confs[1:]]
    for i in range(0, len(labels) - 1, 2):
        a, b = labels[i], labels[i + 1]
        dw = [x[0] - y[0] for x, y in zip(results[b], results[a])]
        dc = [x[1] - y[1] for x, y in zip(results[b], results[a])]
        print(f"{b} - {a}: wall {st.median(dw):+.1f} ms (mean {st.mean(dw):+.1f}), cpu {st.median(dc):+.1f} ms "
              f"(mean {st.mean(dc):+.1f}), {b} cheaper in {sum(1 for d in dc if d < 0)} of {len(dc)} by CPU")


if __name__ == '__main__':
    main()
