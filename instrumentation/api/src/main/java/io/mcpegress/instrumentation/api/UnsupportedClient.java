package io.mcpegress.instrumentation.api;

import io.mcpegress.instrumentation.api.match.Matcher;
import io.mcpegress.instrumentation.api.type.TypeShape;


/**
 * A client class of the library that the client layer does not instrument. Its loading, which only
 * happens when the application really uses it, is reported through the agent's transformation
 * listener ("could not instrument ... NOT routed or audited by the client layer"), so the hole is
 * visible in the log instead of silent; the socket guard still meets its connections.
 */
public final class UnsupportedClient implements Matcher<TypeShape> {

    private final String reason;

    private UnsupportedClient(String reason) {
        this.reason = reason;
    }

    public static TypeInstrumentation reportOnLoad(String typeName, String reason) {
        return TypeInstrumentation.of(typeName, new UnsupportedClient(reason));
    }

    @Override
    public boolean matches(TypeShape type) {
        throw new IllegalStateException("unsupported client " + type.name() + ": " + reason);
    }

    @Override
    public String toString() {
        return "unsupported(" + reason + ")";
    }
}
