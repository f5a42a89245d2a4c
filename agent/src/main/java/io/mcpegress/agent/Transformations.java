package io.mcpegress.agent;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Builds the ByteBuddy agent from the instrumentation modules. Type matching is by exact name, and
 * JDK packages are ignored except for the exact classes a module asks for, so class loading stays
 * cheap. Classes already loaded are retransformed; no class gains fields or methods.
 */
final class Transformations {

    private static final AtomicLong FAILED_TRANSFORMS = new AtomicLong();

    private final List<InstrumentationModule> modules;
    private final LibraryReporter libraries;

    Transformations(List<InstrumentationModule> modules, AuditPipeline pipeline) {
        this.modules = modules;
        this.libraries = new LibraryReporter(pipeline);
    }

    static long failedTransformCount() {
        return FAILED_TRANSFORMS.get();
    }

    void installOn(Instrumentation inst) {
        long start = System.nanoTime();
        Set<String> jdkClasses = new HashSet<>();
        modules.forEach(m -> jdkClasses.addAll(m.jdkClassNames()));
        preload(jdkClasses);

        AgentBuilder builder = newAgentBuilder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new FailureListener())
                .ignore(nameStartsWith("io.mcpegress.")
                        .or(nameStartsWith("net.bytebuddy."))
                        .or(isSynthetic())
                        .or(jdkPackage().and(not(namedOneOf(jdkClasses.toArray(new String[0]))))));

        Advice.ExceptionHandler countFailures = adviceFailureHandler();
        for (InstrumentationModule module : modules) {
            for (TypeInstrumentation type : module.typeInstrumentations()) {
                AgentBuilder.Transformer.ForAdvice advice = new AgentBuilder.Transformer.ForAdvice()
                        .include(Transformations.class.getClassLoader())
                        .withExceptionHandler(countFailures);
                for (TypeInstrumentation.AdviceBinding binding : type.adviceBindings()) {
                    advice = advice.advice(binding.methods(), binding.adviceClassName());
                }
                builder = builder.type(libraries.wrap(module.name(), type.typeMatcher())).transform(advice);
            }
        }
        long built = System.nanoTime();
        builder.installOn(inst);
        AgentLog.debug("agent builder: built in " + (built - start) / 1_000_000 + " ms, installed (incl. retransformation) in "
                + (System.nanoTime() - built) / 1_000_000 + " ms");
    }

    /**
     * {@code new AgentBuilder.Default(...)} creates a self-injection initialization strategy whose
     * {@code NexusAccessor} prepares, in its static initializer, to inject the {@code Nexus} class
     * into the system class loader: that generates classes with ByteBuddy itself and was about half
     * of the agent's start-up. {@link AgentBuilder#disableClassFormatChanges()} replaces the strategy
     * with a no-op right away, so the nexus is never used: ByteBuddy's own switch (its
     * {@code nexus.disabled} property, under the relocated package name) skips the preparation.
     * The property is set only around the constructor, and only if nobody set it.
     */
    private static AgentBuilder newAgentBuilder() {
        String property = ByteBuddy.class.getPackageName() + ".nexus.disabled";
        boolean set = System.getProperty(property) == null;
        if (set) {
            System.setProperty(property, "true");
        }
        try {
            return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED));
        } finally {
            if (set) {
                System.clearProperty(property);
            }
        }
    }

    /**
     * Loads the JDK classes the modules instrument now, so they are retransformed as already loaded:
     * on JDK 25 a class first loaded while ByteBuddy transforms another one (ForkJoinPool, Socket)
     * is silently skipped. A class this JDK does not have (VirtualThread on 17) is simply not there.
     */
    private static void preload(Set<String> jdkClasses) {
        for (String name : jdkClasses) {
            try {
                Class.forName(name, false, null);
            } catch (ClassNotFoundException | LinkageError e) {
                AgentLog.debug("not in this JDK: " + name);
            }
        }
    }

    private static ElementMatcher.Junction<TypeDescription> jdkPackage() {
        return nameStartsWith("java.").or(nameStartsWith("javax.")).or(nameStartsWith("jdk."))
                .or(nameStartsWith("sun.")).or(nameStartsWith("com.sun."));
    }

    /** Failures inside woven advice land in {@link EgressHooks#adviceFailed}, where they are counted. */
    private static Advice.ExceptionHandler adviceFailureHandler() {
        try {
            return new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(new MethodDescription.ForLoadedMethod(
                    EgressHooks.class.getMethod("adviceFailed", Throwable.class))));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A class we meant to instrument but could not is a hole in the policy: say so loudly. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            FAILED_TRANSFORMS.incrementAndGet();
            AgentLog.warn("could not instrument " + typeName + ": " + throwable
                    + " (calls through this class are NOT routed or audited by the client layer)");
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                                     boolean loaded, DynamicType dynamicType) {
            AgentLog.debug("instrumented " + typeDescription.getName());
        }
    }
}
