package io.mcpegress.agent;

import io.mcpegress.agent.util.AgentLog;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's one class file transformer. Every class the JVM loads is looked up by its internal
 * name in a map; only the few classes a module names are parsed and woven (ByteBuddy {@code Advice},
 * inlined, no new members). ByteBuddy's {@code AgentBuilder} did the same through general
 * matchers that parsed every loaded class for its modifiers and generated a transformer subclass
 * at start: together about a third of the agent's start-up.
 */
final class NamedClassWeaver implements ClassFileTransformer {

    /** One way to weave a named class: when {@code condition} holds, apply {@code advice}. */
    record Target(String module, TypeCondition condition, AgentBuilder.Transformer advice) {
    }

    /** What a named class must also satisfy; may throw to report an unsupported version loudly. */
    interface TypeCondition {
        boolean matches(TypeDescription type, ProtectionDomain domain);
    }

    private static final AtomicLong FAILED = new AtomicLong();

    /**
     * Advice is inlined into existing methods only: no type initializer, no auxiliary types, and the
     * method graph of the declared methods is enough, so super types are never parsed.
     */
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
    /** Internal name ({@code okhttp3/Address}) to its targets, in module order; replaced, never changed. */
    private volatile Map<String, List<Target>> targets;
    /** Set while this thread weaves: a class loaded by the weaving itself is reported, not woven. */
    private final ThreadLocal<String> weaving = new ThreadLocal<>();

    NamedClassWeaver(Map<String, List<Target>> targets) {
        this.targets = Map.copyOf(targets);
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
        String outer = weaving.get();
        if (outer != null) {
            failed(typeName, new IllegalStateException("loaded while " + outer + " was being instrumented"));
            return null;
        }
        weaving.set(typeName);
        try {
            byte[] woven = weave(typeName, module, loader, domain, classfile, candidates);
            if (woven != null) {
                AgentLog.debug("instrumented " + typeName);
            }
            return woven;
        } catch (Throwable t) {
            failed(typeName, t);
            return null;
        } finally {
            weaving.remove();
        }
    }

    /** The woven class file, or null when no candidate's condition holds; throws what weaving throws. */
    byte[] weave(String typeName, Module module, ClassLoader loader, ProtectionDomain domain, byte[] classfile,
                 List<Target> candidates) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(typeName, classfile),
                ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                TypePool.Default.ReaderMode.FAST);
        TypeDescription type = pool.describe(typeName).resolve();
        JavaModule javaModule = module == null ? null : JavaModule.of(module);
        DynamicType.Builder<?> builder = null;
        for (Target target : candidates) {
            if (target.condition().matches(type, domain)) {
                if (builder == null) {
                    builder = byteBuddy.decorate(type, locator);
                }
                builder = target.advice().transform(builder, type, loader, javaModule, domain);
            }
        }
        if (builder == null) {
            return null;
        }
        return builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    }

    /** A class we meant to instrument but could not is a hole in the policy: say so loudly. */
    static void failed(String typeName, Throwable t) {
        FAILED.incrementAndGet();
        AgentLog.warn("could not instrument " + typeName + ": " + t
                + " (calls through this class are NOT routed or audited by the client layer)");
    }
}
