package io.mcpegress.agent;

import io.mcpegress.agent.util.AgentLog;
import net.bytebuddy.asm.Advice;

/**
 * Runs the weaving once, on a sample class of our own, on a background thread while premain
 * reads the configuration and opens the audit pipeline. Loading (and verifying) the classes the
 * weaver needs (ASM, the agent's class shapes, matchers and inliner) is the largest part
 * of a first start; on another core it is off the application's main thread. Purely an optimisation: whatever the warm-up has
 * not loaded yet when the first real class is woven, the weaving thread loads itself, and a
 * failure here is only logged with debug.
 */
final class WeaverWarmUp {

    private WeaverWarmUp() {
    }

    /**
     * Whether a core is likely to idle while {@code main} runs premain: with 2, {@code main} and
     * the C1 and C2 compiler threads keep both busy, and a first start measured no faster with the
     * warm-up while it cost 15-31 ms more CPU (two runs of 30 paired starts, docs/performance.md).
     */
    static boolean hasSpareCore() {
        return Runtime.getRuntime().availableProcessors() > 2;
    }

    static void start() {
        Thread t = new Thread(WeaverWarmUp::run, "mcp-egress-warm-up");
        t.setDaemon(true);
        t.start();
    }

    static void run() {
        long start = System.nanoTime();
        try {
            byte[] woven = Transformations.weaveSample(Sample.class.getName(), SampleAdvice.class.getName());
            AgentLog.debug("weaver warm-up: " + (woven == null ? "nothing woven" : woven.length + " bytes woven") + " in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (Throwable t) {
            AgentLog.debug("weaver warm-up failed (start-up is only slower): " + t);
        }
    }

    /** The class the warm-up weaves; the woven bytes are thrown away. Woven, call returns its argument. */
    static final class Sample {
        private Object state;

        Object call(Object argument) {
            state = argument;
            return null;
        }
    }

    /** Shaped like the modules' advice (enter value, field access, return and throwable at exit). */
    static final class SampleAdvice {
        private SampleAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.Argument(0) Object argument, @Advice.FieldValue("state") Object state) {
            return argument;
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object entered, @Advice.Return(readOnly = false) Object returned,
                         @Advice.Thrown Throwable thrown) {
            returned = entered;
        }
    }
}
