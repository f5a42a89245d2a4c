package io.mcpegress.instrumentation.api;

import java.util.List;
import java.util.Set;

/**
 * One client family (a library, or a JDK client). Found by the agent through
 * {@link java.util.ServiceLoader}, so adding a family never touches the agent's code.
 */
public interface InstrumentationModule {

    /** Short stable name, also the prefix of {@code mcp.egress.client} in audit events. */
    String name();

    /** The types this module rewrites, each with its advice. */
    List<TypeInstrumentation> typeInstrumentations();

    /**
     * JDK-internal classes this module instruments. The agent ignores {@code java.*},
     * {@code jdk.*} and {@code sun.*} by default; these exact names are let through.
     */
    default Set<String> jdkClassNames() {
        return Set.of();
    }

    /**
     * JDK classes this module instruments only once its library is in use: woven when the module's
     * advice calls {@code io.mcpegress.bootstrap.DeferredWeaving.weaveNow()}, not at JVM start.
     */
    default Set<String> deferredJdkClassNames() {
        return Set.of();
    }

    /**
     * JDK modules whose classes call the bootstrap facade from woven advice; the agent adds a
     * read edge from each of them to the bootstrap class path's unnamed module.
     */
    default Set<String> jdkModulesNeedingBootstrapReads() {
        return Set.of();
    }
}
