package io.mcpegress.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoreSharingTest {

    /** A clock the test moves; each yield takes {@link #yieldTakes} of it (another thread ran, or not). */
    private long now;
    private long yieldTakes;
    private int yields;

    private final CoreSharing sharing = new CoreSharing() {
        @Override
        long now() {
            return now;
        }

        @Override
        void yieldCore() {
            yields++;
            now += yieldTakes;
        }
    };

    /** Events that take {@code eachNanos} of writing each, in one batch. */
    private void writeEvents(int count, long eachNanos) {
        for (int i = 0; i < count; i++) {
            sharing.nextEvent();
            now += eachNanos;
        }
    }

    @Test
    void withSpareCpuTheWriterYieldsAfterTenMicrosecondsOfWriting() {
        sharing.batchStarts();
        writeEvents(100, 2_000); // 200 µs of writing, yields return at once

        assertThat(yields).isBetween(18, 20); // every 5 events = 10 µs
        assertThat(sharing.saturated()).isFalse();
    }

    @Test
    void aShortBatchDoesNotYieldAtAll() {
        sharing.batchStarts();
        writeEvents(4, 2_000);

        assertThat(yields).isZero();
    }

    @Test
    void whenEveryYieldLetsAnotherThreadRunTheWriterYieldsRarely() {
        yieldTakes = CoreSharing.OFF_CPU_NANOS; // the cores are saturated: each yield is a context switch
        sharing.batchStarts();
        writeEvents(5 * (CoreSharing.SATURATED_AFTER + 1), 2_000); // the first yield comes after 5 events
        assertThat(sharing.saturated()).isTrue();
        int before = yields;

        writeEvents(1_000, 2_000); // 2 ms of writing

        assertThat(yields - before).isBetween(39, 40); // every 50 µs instead of every 10
    }

    @Test
    void fewerThanEightSlowYieldsInARowAreNotSaturation() {
        sharing.batchStarts();
        for (int round = 0; round < 10; round++) {
            yieldTakes = CoreSharing.OFF_CPU_NANOS; // a thread woken on the writer's core ran
            writeEvents(5 * (CoreSharing.SATURATED_AFTER - 1), 2_000);
            yieldTakes = 0; // then a yield with nothing else to run
            writeEvents(5, 2_000);
            assertThat(sharing.saturated()).isFalse();
        }
    }

    @Test
    void aYieldThatReturnsAtOnceEndsSaturationTheShortIntervalIsBack() {
        yieldTakes = CoreSharing.OFF_CPU_NANOS;
        sharing.batchStarts();
        writeEvents(5 * (CoreSharing.SATURATED_AFTER + 1), 2_000); // the first yield comes after 5 events
        assertThat(sharing.saturated()).isTrue();

        yieldTakes = 0; // the load is gone
        writeEvents(26, 2_000); // the next yield (after 50 µs) returns at once
        assertThat(sharing.saturated()).isFalse();
        int before = yields;
        writeEvents(50, 2_000);

        assertThat(yields - before).isBetween(9, 10);
    }

    @Test
    void timeParkedBetweenBatchesIsNotWritingTime() {
        sharing.batchStarts();
        writeEvents(3, 2_000);
        now += 10_000_000; // the writer lingered 10 ms
        sharing.batchStarts();
        writeEvents(3, 2_000);

        assertThat(yields).isZero();
    }
}
