package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContext;
import io.mcpegress.bootstrap.McpContextHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The bootstrap context value and holder, as the advice uses them. */
class McpContextTest {

    @AfterEach
    void clear() {
        McpContextHolder.set(null);
    }

    @Test
    void aToolCallNamesItsToolIdAndTraceparent() {
        McpContext c = McpContext.forRequest("tools/call", 7,
                Map.of("name", "get_forecast", "arguments", Map.of("city", "Paris"),
                        "_meta", Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")),
                "session-1", "claude-ai", "0.1.0");
        assertThat(c.method()).isEqualTo("tools/call");
        assertThat(c.toolName()).isEqualTo("get_forecast");
        assertThat(c.requestId()).isEqualTo("7");
        assertThat(c.sessionId()).isEqualTo("session-1");
        assertThat(c.clientName()).isEqualTo("claude-ai");
        assertThat(c.clientVersion()).isEqualTo("0.1.0");
        assertThat(c.traceparent()).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void onlyToolsCallHasAToolAndInitializeCarriesItsOwnClientInfo() {
        McpContext read = McpContext.forRequest("resources/read", "r-1", Map.of("name", "not-a-tool"), "s", null, null);
        assertThat(read.toolName()).isNull();
        assertThat(read.requestId()).isEqualTo("r-1");

        McpContext init = McpContext.forRequest("initialize", 0,
                Map.of("clientInfo", Map.of("name", "inspector-cli", "version", "1.0.3")), "s", null, null);
        assertThat(init.clientName()).isEqualTo("inspector-cli");
        assertThat(init.clientVersion()).isEqualTo("1.0.3");

        assertThat(McpContext.forRequest("tools/call", 1, "not a map", null, null, null).toolName()).isNull();
    }

    @Test
    void aTaskRunsWithTheContextOfItsSubmitterAndLeavesTheWorkerClean() throws Exception {
        McpContext c = McpContext.builder().method("tools/call").toolName("fetch_url").requestId("3").build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<McpContext> seen = new AtomicReference<>();
            McpContext previous = McpContextHolder.set(c);
            Runnable wrapped;
            try {
                wrapped = McpContextHolder.wrap(() -> seen.set(McpContextHolder.current()));
            } finally {
                McpContextHolder.restore(previous);
            }
            assertThat(McpContextHolder.current()).isNull();
            pool.submit(wrapped).get();
            assertThat(seen.get()).isSameAs(c);

            AtomicReference<McpContext> after = new AtomicReference<>(c);
            pool.submit(() -> after.set(McpContextHolder.current())).get();
            assertThat(after.get()).as("no leak to the next task on the same worker").isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutAContextTasksAreNotWrapped() {
        Runnable task = () -> { };
        assertThat(McpContextHolder.wrap(task)).isSameAs(task);
        assertThat(McpContextHolder.TASK_WRAPPER.apply(task)).isSameAs(task);
    }

    @Test
    void suppliersAndCallablesCarryTheContextOnceAndRestoreWhatWasThere() throws Exception {
        McpContext tool = McpContext.builder().method("tools/call").toolName("get_outlook").requestId("9").build();
        McpContext other = McpContext.builder().method("tools/call").toolName("other").requestId("1").build();
        Supplier<McpContext> supplier;
        Callable<McpContext> callable;
        McpContext previous = McpContextHolder.set(tool);
        try {
            supplier = McpContextHolder.wrap((Supplier<McpContext>) McpContextHolder::current);
            callable = McpContextHolder.wrap((Callable<McpContext>) McpContextHolder::current);
            assertThat(McpContextHolder.wrap(supplier)).as("not wrapped twice").isSameAs(supplier);
            assertThat(McpContextHolder.wrap(callable)).as("not wrapped twice").isSameAs(callable);
        } finally {
            McpContextHolder.restore(previous);
        }
        McpContextHolder.set(other);
        assertThat(supplier.get()).isSameAs(tool);
        assertThat(callable.call()).isSameAs(tool);
        assertThat(McpContextHolder.current()).as("the running thread's own context is put back").isSameAs(other);
        McpContextHolder.set(null);
        Supplier<McpContext> plain = McpContextHolder::current;
        assertThat(McpContextHolder.wrap(plain)).as("no context, no wrapper").isSameAs(plain);
    }

    @Test
    void functionsOfAsyncStagesCarryTheContextOfTheCallerThatAddedThem() {
        McpContext tool = McpContext.builder().method("tools/call").toolName("get_outlook").requestId("5").build();
        Function<String, McpContext> fn;
        BiFunction<String, Throwable, McpContext> handler;
        AtomicReference<McpContext> consumed = new AtomicReference<>();
        AtomicReference<McpContext> biConsumed = new AtomicReference<>();
        Consumer<String> consumer;
        BiConsumer<String, Throwable> whenComplete;
        McpContext previous = McpContextHolder.set(tool);
        try {
            fn = McpContextHolder.wrap((Function<String, McpContext>) s -> McpContextHolder.current());
            handler = McpContextHolder.wrap((BiFunction<String, Throwable, McpContext>) (s, t) -> McpContextHolder.current());
            consumer = McpContextHolder.wrap((Consumer<String>) s -> consumed.set(McpContextHolder.current()));
            whenComplete = McpContextHolder.wrap((BiConsumer<String, Throwable>) (s, t) -> biConsumed.set(McpContextHolder.current()));
            assertThat(McpContextHolder.wrap(fn)).as("not wrapped twice").isSameAs(fn);
        } finally {
            McpContextHolder.restore(previous);
        }
        assertThat(fn.apply("x")).isSameAs(tool);
        assertThat(handler.apply("x", null)).isSameAs(tool);
        consumer.accept("x");
        whenComplete.accept("x", null);
        assertThat(consumed.get()).isSameAs(tool);
        assertThat(biConsumed.get()).isSameAs(tool);
        assertThat(McpContextHolder.current()).isNull();
    }
}
