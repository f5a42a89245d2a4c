package io.mcpegress.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The report's arithmetic: each window against the no-agent window of its own cycle and phase. */
class PairedWindowsTest {

    private static PairedWindows.Window w(String config, int cycle, String phase, double rps) {
        return new PairedWindows.Window(config, cycle, phase, Map.of("rps", Double.toString(rps)), 0);
    }

    @Test
    void ratiosPairWindowsOfTheSameCycleAndPhase() {
        // the machine halves its speed in cycle 1: unpaired medians would mix the two cycles
        PairedWindows.Result r = new PairedWindows.Result("jdk", List.of(
                w("none", 0, "seq", 1000), w("audit", 0, "seq", 980), w("none", 0, "par", 4000), w("audit", 0, "par", 3600),
                w("audit", 1, "seq", 490), w("none", 1, "seq", 500), w("audit", 1, "par", 1800), w("none", 1, "par", 2000)),
                Map.of(), Map.of());
        assertThat(PairedWindows.paired(r, "audit", "seq", (a, b) -> a.value("rps") / b.value("rps")))
                .containsExactly(0.98, 0.98);
        assertThat(PairedWindows.paired(r, "audit", "par", (a, b) -> a.value("rps") / b.value("rps")))
                .containsExactly(0.9, 0.9);
        assertThat(PairedWindows.of(r, "none", "par", "rps")).containsExactly(4000.0, 2000.0);
        // against another configuration than no agent: audit-only against itself is 1 in every cycle
        assertThat(PairedWindows.paired(r, "audit", "audit", "par", (a, b) -> a.value("rps") / b.value("rps")))
                .containsExactly(1.0, 1.0);
        assertThat(PairedWindows.paired(r, "none", "audit", "seq", (a, b) -> a.value("rps") - b.value("rps")))
                .containsExactly(20.0, 10.0);
    }

    @Test
    void quantilesInterpolate() {
        assertThat(PairedWindows.quantile(List.of(3.0, 1.0, 2.0, 4.0), 0.5)).isCloseTo(2.5, within(1e-9));
        assertThat(PairedWindows.quantile(List.of(3.0, 1.0, 2.0, 4.0), 0.25)).isCloseTo(1.75, within(1e-9));
        assertThat(PairedWindows.quantile(List.of(7.0), 0.75)).isEqualTo(7.0);
        assertThat(PairedWindows.quantile(List.of(), 0.5)).isNaN();
        // the rounds' median is the same quantile: the middle, or the mean of the two middles
        assertThat(WholeProcessBenchmark.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
        assertThat(WholeProcessBenchmark.median(List.of(4.0, 1.0, 3.0, 2.0))).isCloseTo(2.5, within(1e-9));
        assertThat(WholeProcessBenchmark.median(null)).isNaN();
    }
}
