package io.mcpegress.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoreSharingTest {

    /** A clock the test moves, and what the run queue says at the next look. */
    private long now;
    private boolean overloaded;
    private int yields;
    private int looks;

    private final CoreSharing sharing = new CoreSharing() {
        @Override
        long now() {
            return now;
        }

        @Override
        void yieldCore() {
            yields++;
        }

        @Override
        boolean overloaded() {
            looks++;
            return overloaded;
        }
    };

    /** Events that take {@code eachNanos} of writing each, in one batch. */
    private void writeEvents(int count, long eachNanos) {
        for (int i = 0; i < count; i++) {
            sharing.nextEvent();
            now += eachNanos;
        }
    }

    /** {@code count} batches of 5 events, each after the writer lingered 10 ms. */
    private void lingeredBatches(int count) {
        for (int i = 0; i < count; i++) {
            now += 10_000_000;
            sharing.batchStarts();
            writeEvents(5, 2_000);
        }
    }

    @Test
    void withSpareCpuTheWriterYieldsAfterTenMicrosecondsOfWriting() {
        sharing.batchStarts();
        writeEvents(100, 2_000); // 200 µs of writing

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
    void whileTheMachineIsOverloadedTheWriterYieldsRarely() {
        overloaded = true; // more threads ready to run than twice the CPUs
        lingeredBatches(CoreSharing.OVERLOADED_OF_LAST);
        assertThat(sharing.saturated()).isTrue();
        yields = 0;

        sharing.batchStarts();
        writeEvents(1_000, 2_000); // 2 ms of writing

        assertThat(yields).isBetween(9, 10); // every 200 µs instead of every 10
    }

    @Test
    void anOverloadNowAndThenIsNotSaturation() {
        for (int round = 0; round < 20; round++) {
            overloaded = round % 2 == 0; // half the looks: a burst of JIT or GC threads, not a busy machine
            lingeredBatches(1);
            assertThat(sharing.saturated()).isFalse();
        }
    }

    @Test
    void whenTheLoadIsGoneTheShortIntervalIsBack() {
        overloaded = true;
        lingeredBatches(8);
        assertThat(sharing.saturated()).isTrue();

        overloaded = false;
        lingeredBatches(8 - CoreSharing.OVERLOADED_OF_LAST + 1);
        assertThat(sharing.saturated()).isFalse();
        yields = 0;
        sharing.batchStarts();
        writeEvents(50, 2_000);

        assertThat(yields).isBetween(9, 10);
    }

    @Test
    void batchesInQuickSuccessionShareOneLookAtTheRunQueue() {
        for (int i = 0; i < 10; i++) {
            sharing.batchStarts(); // back-to-back full batches, 100 µs apart
            now += 100_000;
        }
        assertThat(looks).isEqualTo(1);

        now += CoreSharing.LOOK_INTERVAL_NANOS;
        sharing.batchStarts();
        assertThat(looks).isEqualTo(2);
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
