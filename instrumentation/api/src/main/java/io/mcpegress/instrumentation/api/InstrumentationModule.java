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
     * JDK classes to load and weave when the agent starts rather than when the application first
     * uses them: classes that might otherwise first load while the agent is weaving another class
     * (the agent reports such a class as not instrumented). Every other named class, JDK or library,
     * is woven when it loads.
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
