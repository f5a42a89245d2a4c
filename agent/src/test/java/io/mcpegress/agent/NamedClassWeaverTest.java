package io.mcpegress.agent;

import io.mcpegress.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static org.assertj.core.api.Assertions.assertThat;

class NamedClassWeaverTest {

    /** The class woven in these tests; loaded only through {@link #define}, never woven in place. */
    public static class Greeter {
        public String greet(String name) {
            return "hello " + name;
        }
    }

    public static class ShoutAdvice {
        @Advice.OnMethodExit
        static void exit(@Advice.Return(readOnly = false) String result) {
            result = result.toUpperCase();
        }
    }

    public static class FailingAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit() {
            throw new IllegalStateException("a bug in the advice");
        }
    }

    public static class MarkAdvice {
        @Advice.OnMethodExit
        static void exit(@Advice.Return(readOnly = false, typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC) Object result) {
            result = result + "!";
        }
    }

    /** Compiler-generated (a bridge); decoration leaves such methods alone, as ByteBuddy's own decorate does. */
    public static class Bridged implements java.util.function.Function<String, String> {
        @Override
        public String apply(String s) {
            return "bridged " + s;
        }
    }

    private static final String GREETER = Greeter.class.getName().replace('.', '/');

    private static List<TypeInstrumentation.AdviceBinding> shout() {
        return List.of(new TypeInstrumentation.AdviceBinding(named("greet"), ShoutAdvice.class.getName()));
    }

    private static byte[] greeterClassfile() throws IOException {
        try (InputStream in = Greeter.class.getResourceAsStream("NamedClassWeaverTest$Greeter.class")) {
            return in.readAllBytes();
        }
    }

    /** Defines {@code bytes} as Greeter in a child loader so the woven class is the one called. */
    private static Object greet(byte[] bytes, String name) throws Exception {
        Class<?> greeter = defineAlone(Greeter.class.getName(), bytes);
        Object instance = greeter.getConstructor().newInstance();
        return greeter.getMethod("greet", String.class).invoke(instance, name);
    }

    /** {@code bytes} as class {@code className} in a child loader of its own (everything else from the parent). */
    private static Class<?> defineAlone(String className, byte[] bytes) throws ClassNotFoundException {
        ClassLoader loader = new ClassLoader(NamedClassWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (n.equals(className)) {
                    synchronized (getClassLoadingLock(n)) {
                        Class<?> c = findLoadedClass(n);
                        return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(n, resolve);
            }
        };
        return loader.loadClass(className);
    }

    @Test
    void aNamedClassIsWovenWhenItsConditionHolds() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        NamedClassWeaver weaver = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> {
                    seen.set(type.name());
                    return true;
                }, shout()))));
        byte[] woven = weaver.transform(null, getClass().getClassLoader(), GREETER, null, null, greeterClassfile());
        assertThat(woven).isNotNull();
        assertThat(seen.get()).isEqualTo(Greeter.class.getName());
        assertThat(greet(woven, "mcp")).isEqualTo("HELLO MCP");
        assertThat(greet(greeterClassfile(), "mcp")).isEqualTo("hello mcp");
    }

    @Test
    void aFailureInsideWovenAdviceIsCountedAndTheMethodStillReturnsItsValue() throws Exception {
        long before = io.mcpegress.bootstrap.EgressHooks.suppressedErrorCount();
        NamedClassWeaver weaver = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> true,
                List.of(new TypeInstrumentation.AdviceBinding(named("greet"), FailingAdvice.class.getName()))))));
        byte[] woven = weaver.transform(null, getClass().getClassLoader(), GREETER, null, null, greeterClassfile());

        assertThat(greet(woven, "mcp")).isEqualTo("hello mcp");
        assertThat(io.mcpegress.bootstrap.EgressHooks.suppressedErrorCount()).isEqualTo(before + 1);
        assertThat(io.mcpegress.bootstrap.EgressHooks.lastSuppressedError()).hasMessage("a bug in the advice");
    }

    @Test
    void syntheticMethodsAreNotAdvisedOnlyTheMethodsTheSourceDeclares() throws Exception {
        String bridged = Bridged.class.getName().replace('.', '/');
        byte[] original;
        try (InputStream in = Bridged.class.getResourceAsStream("NamedClassWeaverTest$Bridged.class")) {
            original = in.readAllBytes();
        }
        NamedClassWeaver weaver = new NamedClassWeaver(Map.of(bridged, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> true,
                List.of(new TypeInstrumentation.AdviceBinding(named("apply"), MarkAdvice.class.getName()))))));
        byte[] woven = weaver.transform(null, getClass().getClassLoader(), bridged, null, null, original);

        Class<?> type = defineAlone(Bridged.class.getName(), woven);
        @SuppressWarnings("unchecked")
        java.util.function.Function<String, String> f =
                (java.util.function.Function<String, String>) type.getConstructor().newInstance();
        // the bridge apply(Object) calls apply(String), which alone carries the advice: marked once, not twice
        assertThat(f.apply("mcp")).isEqualTo("bridged mcp!");
        assertThat(type.getMethod("apply", String.class).invoke(type.getConstructor().newInstance(), "x"))
                .isEqualTo("bridged x!");
    }

    @Test
    void anyOtherClassIsLeftAloneWithoutBeingParsed() throws Exception {
        NamedClassWeaver weaver = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> true, shout()))));
        byte[] garbage = {1, 2, 3}; // not a class file: parsing it would fail
        assertThat(weaver.transform(null, null, "java/lang/String", null, null, garbage)).isNull();
        assertThat(weaver.transform(null, null, null, null, null, garbage)).isNull();
    }

    @Test
    void aClassWhoseConditionFailsIsNotWovenAndIsCountedAsAFailure() throws Exception {
        long before = NamedClassWeaver.failedCount();
        NamedClassWeaver refusing = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> false, shout()))));
        assertThat(refusing.transform(null, getClass().getClassLoader(), GREETER, null, null, greeterClassfile())).isNull();
        assertThat(NamedClassWeaver.failedCount()).isEqualTo(before);

        NamedClassWeaver unsupported = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> {
                    throw new IllegalStateException("unsupported version");
                }, shout()))));
        assertThat(unsupported.transform(null, getClass().getClassLoader(), GREETER, null, null, greeterClassfile())).isNull();
        assertThat(NamedClassWeaver.failedCount()).isEqualTo(before + 1);
    }

    @Test
    void aTargetLoadedWhileAnotherIsBeingWovenIsReportedNotSkippedSilently() throws Exception {
        long before = NamedClassWeaver.failedCount();
        AtomicReference<byte[]> nested = new AtomicReference<>();
        NamedClassWeaver[] weaver = new NamedClassWeaver[1];
        weaver[0] = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> {
                    try { // as if weaving Greeter made the JVM load another target
                        nested.set(weaver[0].transform(null, getClass().getClassLoader(), GREETER, null, null,
                                greeterClassfile()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    return true;
                }, shout()))));
        assertThat(weaver[0].transform(null, getClass().getClassLoader(), GREETER, null, null, greeterClassfile()))
                .isNotNull();
        assertThat(nested.get()).isNull();
        assertThat(NamedClassWeaver.failedCount()).isEqualTo(before + 1);
    }

    @Test
    void deferredTargetsApplyToClassesLoadedAfterTheyAreAdded() throws Exception {
        NamedClassWeaver weaver = new NamedClassWeaver(Map.of());
        assertThat(weaver.transform(null, getClass().getClassLoader(), GREETER, null, null, greeterClassfile())).isNull();
        weaver.add(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test", (type, domain) -> true, shout()))));
        byte[] woven = weaver.transform(null, getClass().getClassLoader(), GREETER, null, null, greeterClassfile());
        assertThat(greet(woven, "later")).isEqualTo("HELLO LATER");
    }

    /** The start-up warm-up really weaves (so it loads what weaving loads) and defines nothing. */
    @Test
    void warmUpWeavesItsSampleWithoutDefiningIt() throws Exception {
        byte[] woven = Transformations.weaveSample(WeaverWarmUp.Sample.class.getName(), WeaverWarmUp.SampleAdvice.class.getName());

        assertThat(woven).isNotNull();
        Class<?> sample = defineAlone(WeaverWarmUp.Sample.class.getName(), woven);
        java.lang.reflect.Constructor<?> constructor = sample.getDeclaredConstructor();
        constructor.setAccessible(true);
        java.lang.reflect.Method call = sample.getDeclaredMethod("call", Object.class);
        call.setAccessible(true);
        assertThat(call.invoke(constructor.newInstance(), "x")).as("the exit advice returns the argument").isEqualTo("x");
        assertThat(new WeaverWarmUp.Sample().call("x")).as("the agent's own Sample stays unwoven").isNull();
    }

    @Test
    void aJdkClassWovenOnceIsServedFromTheWeaveCacheWithoutWeavingAgain(@TempDir Path dir) throws Exception {
        WeaveCache cache = WeaveCache.open(dir.resolve("cache"), WeaveCacheTest.fakeAgentJar(dir, "build 1"));
        NamedClassWeaver first = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> true, shout(), "test shout"))), cache, NamedClassWeaver.CacheHits.NONE);
        // loader null: the JDK's boot loader, whose classes the cache holds
        byte[] woven = first.transform(null, null, GREETER, null, null, greeterClassfile());
        assertThat(greet(woven, "mcp")).isEqualTo("HELLO MCP");

        List<String> reused = new ArrayList<>();
        NamedClassWeaver second = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> {
                    throw new AssertionError("condition evaluated again");
                }, List.of(new TypeInstrumentation.AdviceBinding(named("greet"), "advice.that.fails.if.woven.Again")),
                "test shout"))), cache, (modules, typeName, domain) -> reused.addAll(modules));
        byte[] cached = second.transform(null, null, GREETER, null, null, greeterClassfile());
        assertThat(cached).isEqualTo(woven);
        assertThat(reused).containsExactly("test");
        assertThat(greet(cached, "mcp")).isEqualTo("HELLO MCP");
    }

    @Test
    void classesFromADirectoryAreNeverCachedAndMarkTheCacheAsNeedingTheWeaver(@TempDir Path dir) throws Exception {
        WeaveCache cache = WeaveCache.open(dir.resolve("cache"), WeaveCacheTest.fakeAgentJar(dir, "build 1"));
        NamedClassWeaver weaver = new NamedClassWeaver(Map.of(GREETER, List.of(new NamedClassWeaver.Target("test",
                (type, domain) -> true, shout(), "test shout"))), cache, NamedClassWeaver.CacheHits.NONE);
        // the test classes come from target/test-classes, a directory whose contents can change unseen
        assertThat(weaver.transform(null, getClass().getClassLoader(), GREETER, null,
                Greeter.class.getProtectionDomain(), greeterClassfile())).isNotNull();
        try (var files = java.nio.file.Files.walk(dir.resolve("cache"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".woven"))).isEmpty();
        }
        assertThat(cache.warm()).isFalse();
    }
}
