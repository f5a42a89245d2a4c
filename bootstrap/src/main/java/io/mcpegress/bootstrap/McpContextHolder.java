package io.mcpegress.bootstrap;

import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The MCP request the current thread works for. Set by the SDK instrumentation while a request's
 * handler runs, carried to other threads only by wrapping tasks when they are submitted
 * ({@link #wrap(Runnable)}), never by {@link InheritableThreadLocal}: a thread started or reused
 * later must not inherit a tool call it has nothing to do with.
 *
 * <p>Usage is always set/restore in one frame:
 * <pre>{@code
 * McpContext previous = McpContextHolder.set(context);
 * try { ... } finally { McpContextHolder.restore(previous); }
 * }</pre>
 */
public final class McpContextHolder {

    private static final ThreadLocal<McpContext> CURRENT = new ThreadLocal<>();
    private static volatile String serverName;
    private static volatile String serverVersion;

    /** For Reactor's {@code Schedulers.onScheduleHook}: wraps each task with the submitter's context. */
    public static final Function<Runnable, Runnable> TASK_WRAPPER = McpContextHolder::wrap;

    private McpContextHolder() {
    }

    /** The context of the MCP request this thread works for, or {@code null}. */
    public static McpContext current() {
        return CURRENT.get();
    }

    /** Makes {@code context} current (may be {@code null}) and returns what was current before. */
    public static McpContext set(McpContext context) {
        McpContext previous = CURRENT.get();
        if (context == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(context);
        }
        return previous;
    }

    /** Puts back what {@link #set} returned. */
    public static void restore(McpContext previous) {
        set(previous);
    }

    /** The task, running with the context current now; the task itself when there is none. */
    public static Runnable wrap(Runnable task) {
        McpContext captured = CURRENT.get();
        if (captured == null || task == null || task instanceof ContextRunnable) {
            return task;
        }
        return new ContextRunnable(captured, task);
    }

    /** The task, running with the context current now; the task itself when there is none. */
    public static <V> Callable<V> wrap(Callable<V> task) {
        McpContext captured = CURRENT.get();
        if (captured == null || task == null || task instanceof ContextCallable) {
            return task;
        }
        return new ContextCallable<>(captured, task);
    }

    /** The supplier, running with the context current now ({@code CompletableFuture.supplyAsync}). */
    public static <V> Supplier<V> wrap(Supplier<V> task) {
        McpContext captured = CURRENT.get();
        if (captured == null || task == null || task instanceof ContextSupplier) {
            return task;
        }
        return new ContextSupplier<>(captured, task);
    }

    /** The function, applied with the context current now ({@code CompletableFuture.thenApplyAsync} & co.). */
    public static <T, R> Function<T, R> wrap(Function<T, R> fn) {
        McpContext captured = CURRENT.get();
        if (captured == null || fn == null || fn instanceof Scoped) {
            return fn;
        }
        return new ContextFunction<>(captured, fn);
    }

    /** The consumer, run with the context current now. */
    public static <T> Consumer<T> wrap(Consumer<T> fn) {
        McpContext captured = CURRENT.get();
        if (captured == null || fn == null || fn instanceof Scoped) {
            return fn;
        }
        return new ContextConsumer<>(captured, fn);
    }

    /** The function, applied with the context current now. */
    public static <T, U, R> BiFunction<T, U, R> wrap(BiFunction<T, U, R> fn) {
        McpContext captured = CURRENT.get();
        if (captured == null || fn == null || fn instanceof Scoped) {
            return fn;
        }
        return new ContextBiFunction<>(captured, fn);
    }

    /** The consumer, run with the context current now. */
    public static <T, U> BiConsumer<T, U> wrap(BiConsumer<T, U> fn) {
        McpContext captured = CURRENT.get();
        if (captured == null || fn == null || fn instanceof Scoped) {
            return fn;
        }
        return new ContextBiConsumer<>(captured, fn);
    }

    /** The MCP server's own name and version (from its {@code serverInfo}); one server per JVM. */
    public static void serverInfo(String name, String version) {
        serverName = name;
        serverVersion = version;
    }

    static String serverName() {
        return serverName;
    }

    static String serverVersion() {
        return serverVersion;
    }

    private static final class ContextRunnable implements Runnable {
        private final McpContext context;
        private final Runnable task;

        ContextRunnable(McpContext context, Runnable task) {
            this.context = context;
            this.task = task;
        }

        @Override
        public void run() {
            McpContext previous = set(context);
            try {
                task.run();
            } finally {
                restore(previous);
            }
        }
    }

    private static final class ContextCallable<V> implements Callable<V> {
        private final McpContext context;
        private final Callable<V> task;

        ContextCallable(McpContext context, Callable<V> task) {
            this.context = context;
            this.task = task;
        }

        @Override
        public V call() throws Exception {
            McpContext previous = set(context);
            try {
                return task.call();
            } finally {
                restore(previous);
            }
        }
    }

    private static final class ContextSupplier<V> implements Supplier<V> {
        private final McpContext context;
        private final Supplier<V> task;

        ContextSupplier(McpContext context, Supplier<V> task) {
            this.context = context;
            this.task = task;
        }

        @Override
        public V get() {
            McpContext previous = set(context);
            try {
                return task.get();
            } finally {
                restore(previous);
            }
        }
    }

    /** Marks the wrappers of the functional types, so nothing is wrapped twice. */
    private interface Scoped {
    }

    private static final class ContextFunction<T, R> implements Function<T, R>, Scoped {
        private final McpContext context;
        private final Function<T, R> fn;

        ContextFunction(McpContext context, Function<T, R> fn) {
            this.context = context;
            this.fn = fn;
        }

        @Override
        public R apply(T t) {
            McpContext previous = set(context);
            try {
                return fn.apply(t);
            } finally {
                restore(previous);
            }
        }
    }

    private static final class ContextConsumer<T> implements Consumer<T>, Scoped {
        private final McpContext context;
        private final Consumer<T> fn;

        ContextConsumer(McpContext context, Consumer<T> fn) {
            this.context = context;
            this.fn = fn;
        }

        @Override
        public void accept(T t) {
            McpContext previous = set(context);
            try {
                fn.accept(t);
            } finally {
                restore(previous);
            }
        }
    }

    private static final class ContextBiFunction<T, U, R> implements BiFunction<T, U, R>, Scoped {
        private final McpContext context;
        private final BiFunction<T, U, R> fn;

        ContextBiFunction(McpContext context, BiFunction<T, U, R> fn) {
            this.context = context;
            this.fn = fn;
        }

        @Override
        public R apply(T t, U u) {
            McpContext previous = set(context);
            try {
                return fn.apply(t, u);
            } finally {
                restore(previous);
            }
        }
    }

    private static final class ContextBiConsumer<T, U> implements BiConsumer<T, U>, Scoped {
        private final McpContext context;
        private final BiConsumer<T, U> fn;

        ContextBiConsumer(McpContext context, BiConsumer<T, U> fn) {
            this.context = context;
            this.fn = fn;
        }

        @Override
        public void accept(T t, U u) {
            McpContext previous = set(context);
            try {
                fn.accept(t, u);
            } finally {
                restore(previous);
            }
        }
    }
}
