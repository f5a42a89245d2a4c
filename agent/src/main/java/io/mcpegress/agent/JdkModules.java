package io.mcpegress.agent;

import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.instrumentation.api.InstrumentationModule;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Module-system plumbing. Advice woven into a named JDK module (java.net.http, java.base) calls the
 * bootstrap facade, which lives in the boot loader's unnamed module: without a read edge that call
 * dies with IllegalAccessError. The agent also reads a few JDK-internal response objects.
 */
final class JdkModules {

    private JdkModules() {
    }

    static void prepare(Instrumentation inst, List<InstrumentationModule> modules) {
        Module bootstrapUnnamed = EgressHooks.class.getModule();
        for (InstrumentationModule m : modules) {
            for (String name : m.jdkModulesNeedingBootstrapReads()) {
                Module module = find(name);
                if (module != null) {
                    inst.redefineModule(module, Set.of(bootstrapUnnamed), Map.of(), Map.of(), Set.of(), Map.of());
                }
            }
        }
        // status and version of java.net.http responses are read from jdk.internal.net.http.Response
        Module http = find("java.net.http");
        if (http != null) {
            try {
                inst.redefineModule(http, Set.of(), Map.of(),
                        Map.of("jdk.internal.net.http", Set.of(JdkModules.class.getModule())), Set.of(), Map.of());
            } catch (RuntimeException e) {
                AgentLog.warn("cannot open jdk.internal.net.http; java.net.http events will lack status codes: " + e);
            }
        }
    }

    /** The boot layer's module of that name, or null (a JDK image without it). */
    private static Module find(String name) {
        return ModuleLayer.boot().findModule(name).orElse(null);
    }
}
