package io.mcpegress.agent;

import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.type.TypeShape;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The agent's one class file transformer. Every class the JVM loads is looked up by its internal
 * name in a map; only the few classes a module names are parsed and woven (advice written with
 * ByteBuddy's {@code @Advice} annotations, inlined by {@link AdviceWeaver}, no new members). ByteBuddy's {@code AgentBuilder} did the same through general
 * matchers that parsed every loaded class for its modifiers and generated a transformer subclass
 * at start: together about a third of the agent's start-up.
 */
final class NamedClassWeaver implements ClassFileTransformer {

    /**
     * One way to weave a named class: when {@code condition} holds, inline the {@code bindings}'
     * advice. The bindings are asked for only when the class is woven for real (a start served by
     * the {@link WeaveCache} never builds them); {@code signature} names the module and its advice
     * bindings, for the cache's key.
     */
    record Target(String module, TypeCondition condition, Supplier<List<AdviceBinding>> bindings, String signature) {

        Target(String module, TypeCondition condition, List<AdviceBinding> bindings, String signature) {
            this(module, condition, () -> bindings, signature);
        }

        Target(String module, TypeCondition condition, List<AdviceBinding> bindings) {
            this(module, condition, bindings, module);
        }
    }

    /** A woven class file and the modules whose advice it holds. */
    record Woven(byte[] bytes, List<String> modules) {
    }

    /** Told when a class comes from the cache, so the modules' library events are not lost. */
    interface CacheHits {
        CacheHits NONE = (modules, typeName, domain) -> { };

        void reused(List<String> modules, String typeName, ProtectionDomain domain);
    }

    /** What a named class must also satisfy; may throw to report an unsupported version loudly. */
    interface TypeCondition {
        boolean matches(TypeShape type, ProtectionDomain domain);
    }

    private static final AtomicLong FAILED = new AtomicLong();

    /** Internal name ({@code okhttp3/Address}) to its targets, in module order; replaced, never changed. */
    private volatile Map<String, List<Target>> targets;
    /** Set while this thread weaves: a class loaded by the weaving itself is reported, not woven. */
    private final ThreadLocal<String> weaving = new ThreadLocal<>();
    private final WeaveCache cache;
    private final CacheHits cacheHits;

    NamedClassWeaver(Map<String, List<Target>> targets) {
        this(targets, WeaveCache.NONE, CacheHits.NONE);
    }

    NamedClassWeaver(Map<String, List<Target>> targets, WeaveCache cache, CacheHits cacheHits) {
        this.targets = Map.copyOf(targets);
        this.cache = cache;
        this.cacheHits = cacheHits;
    }

    /** Adds targets (deferred ones) for classes that load from now on; loaded ones need retransforming. */
    synchronized void add(Map<String, List<Target>> more) {
        Map<String, List<Target>> merged = new HashMap<>(targets);
        more.forEach((name, list) -> merged.merge(name, list, (a, b) -> {
            List<Target> both = new ArrayList<>(a);
            both.addAll(b);
            return List.copyOf(both);
        }));
        targets = Map.copyOf(merged);
    }

    static long failedCount() {
        return FAILED.get();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfile) {
        List<Target> candidates = internalName == null ? null : targets.get(internalName);
        if (candidates == null) {
            return null;
        }
        String typeName = internalName.replace('/', '.');
        String origin = cache.enabled() ? WeaveCache.origin(loader, domain) : null;
        boolean cacheable = origin != null;
        String signature = cacheable ? origin + '\n' + signature(candidates) : null;
        if (cacheable) {
            NamedClassWeaver.Woven hit = cache.get(internalName, signature, classfile);
            if (hit != null) {
                cacheHits.reused(hit.modules(), typeName, domain);
                AgentLog.debug("instrumented " + typeName + " (from the weave cache)");
                return hit.bytes();
            }
        }
        String outer = weaving.get();
        if (outer != null) {
            failed(typeName, new IllegalStateException("loaded while " + outer + " was being instrumented"));
            return null;
        }
        weaving.set(typeName);
        try {
            Woven woven = weave(typeName, loader, domain, classfile, candidates);
            if (woven == null) {
                return null;
            }
            AgentLog.debug("instrumented " + typeName);
            if (cacheable) {
                cache.put(internalName, signature, classfile, woven);
            } else {
                cache.uncachedClassWoven();
            }
            return woven.bytes();
        } catch (Throwable t) {
            failed(typeName, t);
            return null;
        } finally {
            weaving.remove();
        }
    }

    /** What identifies the advice woven into a class: each candidate's module and bindings, in order. */
    private static String signature(List<Target> candidates) {
        StringBuilder b = new StringBuilder();
        for (Target t : candidates) {
            b.append(t.signature()).append('\n');
        }
        return b.toString();
    }

    /** The woven class file, or null when no candidate's condition holds; throws what weaving throws. */
    Woven weave(String typeName, ClassLoader loader, ProtectionDomain domain, byte[] classfile, List<Target> candidates) {
        AdviceWeaver weaver = new AdviceWeaver(typeName, classfile, loader);
        List<String> modules = new ArrayList<>();
        for (Target target : candidates) {
            if (target.condition().matches(weaver.type(), domain)) {
                weaver.add(target.bindings().get());
                modules.add(target.module());
            }
        }
        if (modules.isEmpty()) {
            return null;
        }
        return new Woven(weaver.weave(), List.copyOf(modules));
    }

    /** A class we meant to instrument but could not is a hole in the policy: say so loudly. */
    static void failed(String typeName, Throwable t) {
        FAILED.incrementAndGet();
        AgentLog.warn("could not instrument " + typeName + ": " + t
                + " (calls through this class are NOT routed or audited by the client layer)");
    }
}
