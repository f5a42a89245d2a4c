package io.mcpegress.agent;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.policy.PolicyFileCache;
import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.bootstrap.DeferredWeaving;
import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.match.Matchers;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weaves the instrumentation modules' advice. Classes are looked up by exact name
 * ({@link NamedClassWeaver}), so the classes the agent does not touch cost a map lookup each.
 * Classes already loaded are retransformed; no class gains fields or methods.
 */
final class Transformations {

    private final List<InstrumentationModule> modules;
    private final LibraryReporter libraries;
    private final WeaveCache cache;

    Transformations(List<InstrumentationModule> modules, AuditPipeline pipeline, WeaveCache cache) {
        this.modules = modules;
        this.libraries = new LibraryReporter(pipeline);
        this.cache = cache;
    }

    static long failedTransformCount() {
        return NamedClassWeaver.failedCount();
    }

    void installOn(Instrumentation inst) {
        long start = System.nanoTime();
        Set<String> jdkClasses = new HashSet<>();
        Set<String> deferredJdkClasses = new HashSet<>();
        for (InstrumentationModule m : modules) {
            jdkClasses.addAll(m.jdkClassNames());
            deferredJdkClasses.addAll(m.deferredJdkClassNames());
        }

        Map<String, List<NamedClassWeaver.Target>> targets = new HashMap<>();
        Map<String, List<NamedClassWeaver.Target>> deferred = new HashMap<>();
        // the build's lists when the jar has them, else those an earlier start wrote to the cache
        BundledTargets bundled = BundledTargets.ofThisAgent();
        PolicyFileCache.Store store = bundled != null ? bundled : cache.enabled() ? cache : null;
        for (InstrumentationModule module : modules) {
            ModuleTargets moduleTargets = ModuleTargets.of(module, store);
            List<ModuleTargets.Named> named = moduleTargets.named();
            for (int i = 0; i < named.size(); i++) {
                String typeName = named.get(i).typeName();
                Map<String, List<NamedClassWeaver.Target>> map = deferredJdkClasses.contains(typeName) ? deferred : targets;
                String internalName = typeName.replace('.', '/');
                List<NamedClassWeaver.Target> list = map.get(internalName);
                if (list == null) { // no computeIfAbsent: premain spins no lambda class
                    list = new ArrayList<>();
                    map.put(internalName, list);
                }
                list.add(moduleTargets.target(i, libraries));
            }
        }
        NamedClassWeaver weaver = new NamedClassWeaver(targets, cache, libraries);
        long built = System.nanoTime();
        inst.addTransformer(weaver, true);
        int retransformed = retransformLoaded(inst, targets.keySet());
        long preloaded = System.nanoTime();
        preload(jdkClasses);
        AgentLog.debug("weaver: built in " + (built - start) / 1_000_000 + " ms, installed and " + retransformed
                + " loaded classes retransformed in " + (preloaded - built) / 1_000_000 + " ms, "
                + jdkClasses.size() + " JDK classes loaded (woven as they load) in " + (System.nanoTime() - preloaded) / 1_000_000 + " ms");
        if (!deferred.isEmpty()) {
            DeferredWeaving.install(() -> {
                long t = System.nanoTime();
                preload(deferredJdkClasses);
                weaver.add(deferred);
                int n = retransformLoaded(inst, deferred.keySet());
                AgentLog.debug("deferred weaving: " + n + " classes in " + (System.nanoTime() - t) / 1_000_000 + " ms");
            });
        }
    }

    /** Classes loaded before the agent are woven by retransformation. */
    private static int retransformLoaded(Instrumentation inst, Set<String> internalNames) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (internalNames.contains(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
                loaded.add(c);
            }
        }
        if (loaded.isEmpty()) {
            return 0;
        }
        try {
            inst.retransformClasses(loaded.toArray(new Class<?>[0]));
        } catch (Throwable batchRefused) {
            // one class the JVM refused must not leave the others unwoven
            for (Class<?> c : loaded) {
                try {
                    inst.retransformClasses(c);
                } catch (Throwable t) {
                    NamedClassWeaver.failed(c.getName(), t);
                }
            }
        }
        return loaded.size();
    }

    /**
     * Loads the JDK classes the modules name now, from premain's thread with the transformer in
     * place, so each is woven as it loads: left to load later, on JDK 25 a class first loaded while
     * another one is being woven (ForkJoinPool, Socket) would not be woven. Loading them before the
     * transformer and retransforming cost ~12 ms of redefinition, and the bytes the JVM reconstitutes
     * for a retransform vary from run to run, so the weave cache missed now and then. A class this
     * JDK does not have (VirtualThread on 17) is simply not there.
     */
    private static void preload(Set<String> jdkClasses) {
        for (String name : jdkClasses) {
            try {
                Class.forName(name, false, null);
            } catch (ClassNotFoundException | LinkageError e) {
                AgentLog.debug("not preloaded (not in java.base or not in this JDK; woven if it loads): " + name);
            }
        }
    }

    /**
     * Weaves one class of the agent jar with one advice class, the way a module's class is woven,
     * and returns the bytes without defining them: for {@link WeaverWarmUp}.
     */
    static byte[] weaveSample(String className, String adviceClassName) throws IOException {
        ClassLoader loader = Transformations.class.getClassLoader();
        byte[] classfile;
        try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new FileNotFoundException(className);
            }
            classfile = in.readAllBytes();
        }
        NamedClassWeaver.Target target = new NamedClassWeaver.Target("warm-up", (type, domain) -> true,
                List.of(new TypeInstrumentation.AdviceBinding(Matchers.named("call"), adviceClassName)));
        NamedClassWeaver.Woven woven = new NamedClassWeaver(Map.of()).weave(className, loader, null, classfile,
                List.of(target));
        return woven == null ? null : woven.bytes();
    }
}
