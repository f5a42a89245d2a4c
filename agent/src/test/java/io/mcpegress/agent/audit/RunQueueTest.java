package io.mcpegress.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class RunQueueTest {

    private static int parse(String loadavg) {
        byte[] b = loadavg.getBytes(StandardCharsets.US_ASCII);
        return RunQueue.parseRunnable(b, b.length);
    }

    @Test
    void readsTheRunnableCountOfLoadavg() {
        assertThat(parse("0.42 0.31 0.27 3/134 7008\n")).isEqualTo(3);
        assertThat(parse("12.00 9.50 4.10 17/2048 99999\n")).isEqualTo(17);
    }

    @Test
    void anythingElseIsUnknownNotAnError() {
        assertThat(parse("")).isEqualTo(-1);
        assertThat(parse("0.42 0.31 0.27")).isEqualTo(-1);
        assertThat(parse("0.42 0.31 0.27 x/134 7008")).isEqualTo(-1);
        assertThat(parse("0.42 0.31 0.27 3")).isEqualTo(-1);
    }

    @Test
    void countsTheCpusOfAKernelCpuList() {
        assertThat(RunQueue.countCpus("0")).isEqualTo(1);
        assertThat(RunQueue.countCpus("0-1")).isEqualTo(2);
        assertThat(RunQueue.countCpus("0-3,8,10-11")).isEqualTo(7);
    }

    /** On this machine: the real files, the machine's own CPUs, and this thread counted as runnable. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void readsThisMachine() throws Exception {
        RunQueue q = RunQueue.open();

        assertThat(q).isNotNull();
        assertThat(q.runnable()).isPositive(); // this thread is running while it reads
        int cpus = RunQueue.countCpus(Files.readString(Path.of("/sys/devices/system/cpu/online")).trim());
        assertThat(cpus).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
