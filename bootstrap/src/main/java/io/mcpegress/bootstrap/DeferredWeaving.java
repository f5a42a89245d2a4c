package io.mcpegress.bootstrap;

/**
 * JDK classes a module needs only once its library is in use (the MCP SDK's thread-hop wrapping of
 * {@code ThreadPoolExecutor}, {@code CompletableFuture}, ...) are woven when that library's advice
 * calls {@link #weaveNow()} instead of at JVM start: retransforming them was a large part of the
 * agent's start-up, paid by every JVM whether or not it ever ran an MCP server.
 *
 * <p>{@code weaveNow()} runs the weaving on the calling thread and returns when it is done, so code
 * that runs after the call (the session's first request) already goes through the woven classes.
 * Later calls cost a volatile read.
 */
public final class DeferredWeaving {

    private static final Object LOCK = new Object();
    private static volatile Runnable pending;

    private DeferredWeaving() {
    }

    /** Called by the agent at start with what to weave later. */
    public static void install(Runnable weaving) {
        pending = weaving;
    }

    /** Weaves what was deferred, once; never throws. */
    public static void weaveNow() {
        if (pending == null) {
            return;
        }
        synchronized (LOCK) {
            Runnable weaving = pending;
            if (weaving == null) {
                return;
            }
            try {
                weaving.run();
            } catch (Throwable t) {
                EgressHooks.adviceFailed(t);
            } finally {
                pending = null;
            }
        }
    }
}
