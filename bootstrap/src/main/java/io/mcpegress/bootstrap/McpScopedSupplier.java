package io.mcpegress.bootstrap;

import java.util.function.Supplier;

/**
 * A deferred publisher's supplier that carries the MCP request its publisher serves. The SDK
 * instrumentation wraps the reactive pipeline of one request as {@code Mono.defer(scoped)}; the
 * Reactor instrumentation makes {@link #context()} current for the whole (synchronous) subscription
 * of that pipeline, which is where the handler runs or hands its work to a scheduler.
 */
public final class McpScopedSupplier implements Supplier<Object> {

    private final McpContext context;
    private final Object publisher;

    public McpScopedSupplier(McpContext context, Object publisher) {
        this.context = context;
        this.publisher = publisher;
    }

    public McpContext context() {
        return context;
    }

    @Override
    public Object get() {
        return publisher;
    }
}
