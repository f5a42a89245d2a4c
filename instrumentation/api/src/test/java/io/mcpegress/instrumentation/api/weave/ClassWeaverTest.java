package io.mcpegress.instrumentation.api.weave;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's advice inliner against ByteBuddy's {@code Advice} semantics. Every woven class is
 * defined by a fresh class loader, so the JVM verifies it (stack map frames included) before the
 * assertions call it: a frame the weaver got wrong fails here as a VerifyError.
 */
public class ClassWeaverTest { // public: the woven class, in another loader, reads TRACE

    /** What advice records, read by the assertions (advice runs inlined into the target, in this loader's copy). */
    public static final List<String> TRACE = new ArrayList<>();

    // ---- the classes woven ----

    public static class Base {
        protected String inherited = "from base";
    }

    public static class Target extends Base {
        private int calls;
        private String label;

        public Target() {
            this("none");
        }

        public Target(String label) {
            this.label = label;
        }

        public String greet(String name) {
            calls++;
            return "hello " + name;
        }

        public String fail(String message) throws IOException {
            throw new IOException(message);
        }

        /** Catches its own exception: an exit advice with onThrowable must not see it. */
        public int recovers(String text) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** Two-slot parameters and locals, a loop and a switch: every original local moves. */
        public double mix(long count, double step, int mode) {
            double total = 0;
            long i = 0;
            while (i < count) {
                total += step;
                i++;
            }
            switch (mode) {
                case 1:
                    return total * 2;
                case 2:
                    return -total;
                default:
                    return total;
            }
        }

        public void touch() {
            calls++;
        }

        public static int twice(int x) {
            return 2 * x;
        }

        public String label() {
            return label;
        }

        public int calls() {
            return calls;
        }
    }

    // ---- advice ----

    public static class TraceAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.Argument(0) String name, @Advice.This Object self) {
            TRACE.add("enter " + name + " " + (self != null));
            return 42L;
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Return(readOnly = false) String result,
                         @Advice.Thrown Throwable thrown) {
            TRACE.add("exit " + entered + " " + result + " " + (thrown == null ? "-" : thrown.getMessage()));
            if (thrown == null) {
                result = result.toUpperCase();
            }
        }
    }

    public static class ReplaceThrownAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
            if (thrown != null) {
                thrown = new IllegalStateException("replaced " + thrown.getMessage());
            }
        }
    }

    public static class CountThrownAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Return int result, @Advice.Thrown Throwable thrown) {
            TRACE.add("result " + result + " thrown " + (thrown != null));
        }
    }

    public static class DenyAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
        static Object enter(@Advice.Argument(0) String name, @Advice.FieldValue("calls") int calls) {
            return name.equals("denied") ? new EgressDeniedException("denied by test rule", "test", "test") : "ok:" + calls;
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object entered, @Advice.Return(readOnly = false) String result,
                         @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (entered instanceof EgressDeniedException) {
                TRACE.add("skipped, result " + result);
                thrown = (EgressDeniedException) entered;
            } else {
                TRACE.add("ran with " + entered);
            }
        }
    }

    public static class SkipWithoutExitAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
        static Object enter(@Advice.Argument(0) String name) {
            return name.equals("denied") ? new EgressDeniedException("denied", "test", "test") : null;
        }
    }

    public static class FailingEnterAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static String enter() {
            if (TRACE != null) {
                throw new IllegalStateException("a bug in the advice");
            }
            return "never";
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Enter String entered, @Advice.Return(readOnly = false) String result) {
            result = result + " (enter value " + entered + ")";
        }
    }

    public static class FieldAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("inherited") String inherited,
                         @Advice.FieldValue(value = "label", readOnly = false) String label,
                         @Advice.Origin Class<?> origin) {
            label = inherited + " via " + origin.getName();
        }
    }

    public static class ConstructorAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(value = 0, readOnly = false) String label) {
            label = "[" + label + "]";
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Target self) {
            TRACE.add("constructed " + self.label());
        }
    }

    public static class AllArgumentsAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.AllArguments Object[] arguments, @Advice.Local("started") long started) {
            started = 7L;
            TRACE.add("arguments " + Arrays.toString(arguments));
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Local("started") long started, @Advice.Return(readOnly = false) double result) {
            TRACE.add("local " + started);
            result = result + 0.5;
        }
    }

    public static class StaticAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) int x, @Advice.Return(readOnly = false) int result) {
            result = result + x;
        }
    }

    public static class OuterAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            TRACE.add("outer enter");
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit() {
            TRACE.add("outer exit");
        }
    }

    public static class InnerAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            TRACE.add("inner enter");
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit() {
            TRACE.add("inner exit");
        }
    }

    public static class LambdaAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            Runnable r = () -> TRACE.add("lambda");
            r.run();
        }
    }

    public static class UnknownAnnotationAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.StubValue Object stub) {
        }
    }

    public static class ReadOnlyAssignedAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) String name) {
            name = "changed";
        }
    }

    // ---- tests ----

    @Test
    void enterAndExitSeeArgumentsThisTheEnterValueAndTheReturnValueWhichTheExitMayReplace() throws Exception {
        Object target = newTarget(weave(Map.of("greet(Ljava/lang/String;)Ljava/lang/String;", List.of(TraceAdvice.class))));
        TRACE.clear();
        assertThat(call(target, "greet", "bob")).isEqualTo("HELLO BOB");
        assertThat(TRACE).containsExactly("enter bob true", "exit 42 hello bob -");
        assertThat(call(target, "calls")).isEqualTo(1);
    }

    @Test
    void exitWithOnThrowableSeesWhatTheMethodThrowsWhichIsRethrownUnchanged() throws Exception {
        Object target = newTarget(weave(Map.of("fail(Ljava/lang/String;)Ljava/lang/String;", List.of(TraceAdvice.class))));
        TRACE.clear();
        assertThatThrownBy(() -> call(target, "fail", "boom")).isInstanceOf(IOException.class).hasMessage("boom");
        assertThat(TRACE).containsExactly("enter boom true", "exit 42 null boom");
    }

    @Test
    void exitMayReplaceTheThrowable() throws Exception {
        Object target = newTarget(weave(Map.of("fail(Ljava/lang/String;)Ljava/lang/String;", List.of(ReplaceThrownAdvice.class))));
        assertThatThrownBy(() -> call(target, "fail", "boom")).isInstanceOf(IllegalStateException.class)
                .hasMessage("replaced boom");
    }

    @Test
    void exceptionsTheMethodCatchesItselfNeverReachTheExitAdvice() throws Exception {
        Object target = newTarget(weave(Map.of("recovers(Ljava/lang/String;)I", List.of(CountThrownAdvice.class))));
        TRACE.clear();
        assertThat(call(target, "recovers", "12")).isEqualTo(12);
        assertThat(call(target, "recovers", "twelve")).isEqualTo(-1);
        assertThat(TRACE).containsExactly("result 12 thrown false", "result -1 thrown false");
    }

    @Test
    void skipOnADenialSkipsTheMethodAndTheExitTurnsTheDenialIntoTheThrowable() throws Exception {
        Object target = newTarget(weave(Map.of("greet(Ljava/lang/String;)Ljava/lang/String;", List.of(DenyAdvice.class))));
        TRACE.clear();
        assertThatThrownBy(() -> call(target, "greet", "denied")).isInstanceOf(EgressDeniedException.class)
                .hasMessageContaining("denied by test rule");
        assertThat(call(target, "calls")).as("the original code did not run").isEqualTo(0);
        assertThat(call(target, "greet", "ann")).isEqualTo("hello ann");
        assertThat(TRACE).containsExactly("skipped, result null", "ran with ok:0");
    }

    @Test
    void skipOnWithoutExitAdviceReturnsTheDefaultValue() throws Exception {
        Object target = newTarget(weave(Map.of("greet(Ljava/lang/String;)Ljava/lang/String;", List.of(SkipWithoutExitAdvice.class))));
        assertThat(call(target, "greet", "denied")).isNull();
        assertThat(call(target, "greet", "ann")).isEqualTo("hello ann");
        assertThat(call(target, "calls")).isEqualTo(1);
    }

    @Test
    void aFailingEnterAdviceIsCountedAndTheMethodRunsWithTheDefaultEnterValue() throws Exception {
        Object target = newTarget(weave(Map.of("greet(Ljava/lang/String;)Ljava/lang/String;", List.of(FailingEnterAdvice.class))));
        long before = EgressHooks.suppressedErrorCount();
        assertThat(call(target, "greet", "bob")).isEqualTo("hello bob (enter value null)");
        assertThat(EgressHooks.suppressedErrorCount()).isEqualTo(before + 1);
        assertThat(EgressHooks.lastSuppressedError()).hasMessage("a bug in the advice");
    }

    @Test
    void fieldsAreReadFromTheClassOrItsSuperclassAndWrittenAndOriginIsTheAdvisedClass() throws Exception {
        Object target = newTarget(weave(Map.of("touch()V", List.of(FieldAdvice.class))));
        long before = EgressHooks.suppressedErrorCount();
        call(target, "touch");
        assertThat(EgressHooks.suppressedErrorCount()).as("advice failed: %s", EgressHooks.lastSuppressedError()).isEqualTo(before);
        assertThat(call(target, "label")).isEqualTo("from base via " + Target.class.getName());
    }

    @Test
    void constructorEnterAdviceMayRewriteAnArgumentBeforeTheConstructorRuns() throws Exception {
        Class<?> type = define(weave(Map.of("<init>(Ljava/lang/String;)V", List.of(ConstructorAdvice.class))));
        TRACE.clear();
        Object target = type.getConstructor(String.class).newInstance("x");
        assertThat(call(target, "label")).isEqualTo("[x]");
        Object viaOther = type.getConstructor().newInstance();
        assertThat(call(viaOther, "label")).isEqualTo("[none]");
        assertThat(TRACE).containsExactly("constructed [x]", "constructed [none]");
    }

    @Test
    void twoSlotArgumentsAndLocalsSurviveTheShiftAndAdviceSeesAllArgumentsAndSharesLocals() throws Exception {
        Object target = newTarget(weave(Map.of("mix(JDI)D", List.of(AllArgumentsAdvice.class))));
        TRACE.clear();
        assertThat(call(target, "mix", 4L, 0.25, 1)).isEqualTo(2.5);
        assertThat(call(target, "mix", 2L, 1.0, 2)).isEqualTo(-1.5);
        assertThat(call(target, "mix", 0L, 1.0, 0)).isEqualTo(0.5);
        assertThat(TRACE).containsExactly("arguments [4, 0.25, 1]", "local 7", "arguments [2, 1.0, 2]", "local 7",
                "arguments [0, 1.0, 0]", "local 7");
    }

    @Test
    void staticMethodsAreAdvisedToo() throws Exception {
        Class<?> type = define(weave(Map.of("twice(I)I", List.of(StaticAdvice.class))));
        assertThat(type.getMethod("twice", int.class).invoke(null, 5)).isEqualTo(15);
    }

    @Test
    void theFirstAdviceBoundToAMethodIsOutermostAsInByteBuddy() throws Exception {
        Object target = newTarget(weave(Map.of("touch()V", List.of(OuterAdvice.class, InnerAdvice.class))));
        TRACE.clear();
        call(target, "touch");
        assertThat(TRACE).containsExactly("outer enter", "inner enter", "inner exit", "outer exit");
    }

    @Test
    void adviceTheWeaverCannotInlineFaithfullyIsRefusedNotWovenDifferently() {
        assertThatThrownBy(() -> weave(Map.of("touch()V", List.of(LambdaAdvice.class))))
                .hasMessageContaining("invokedynamic");
        assertThatThrownBy(() -> adviceOf(UnknownAnnotationAdvice.class))
                .hasMessageContaining("@Advice.StubValue");
        assertThatThrownBy(() -> weave(Map.of("greet(Ljava/lang/String;)Ljava/lang/String;", List.of(ReadOnlyAssignedAdvice.class))))
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> weave(Map.of("touch()V", List.of(ClassWeaverTest.class))))
                .hasMessageContaining("no @Advice.OnMethodEnter");
    }

    // ---- helpers ----

    private static byte[] weave(Map<String, List<Class<?>>> advice) throws IOException {
        Map<String, List<AdviceClass>> advised = new LinkedHashMap<>();
        for (Map.Entry<String, List<Class<?>>> e : advice.entrySet()) {
            List<AdviceClass> list = new ArrayList<>();
            for (Class<?> c : e.getValue()) {
                list.add(adviceOf(c));
            }
            advised.put(e.getKey(), list);
        }
        return ClassWeaver.weave(classFile(Target.class), advised, ClassWeaverTest::field);
    }

    private static AdviceClass adviceOf(Class<?> advice) throws IOException {
        return AdviceClass.read(advice.getName(), classFile(advice));
    }

    /** The fields of Target and Base, as the agent's type pool would find them. */
    private static FieldLookup.Field field(String name) {
        return switch (name) {
            case "calls" -> new FieldLookup.Field(internal(Target.class), "I", false);
            case "label" -> new FieldLookup.Field(internal(Target.class), "Ljava/lang/String;", false);
            case "inherited" -> new FieldLookup.Field(internal(Base.class), "Ljava/lang/String;", false);
            default -> throw new IllegalStateException("no field " + name);
        };
    }

    private static String internal(Class<?> c) {
        return c.getName().replace('.', '/');
    }

    private static byte[] classFile(Class<?> c) throws IOException {
        try (InputStream in = c.getClassLoader().getResourceAsStream(internal(c) + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Defines the woven Target in its own loader (verified: not a boot class); everything else comes from the parent. */
    private static Class<?> define(byte[] woven) throws ClassNotFoundException {
        String name = Target.class.getName();
        ClassLoader loader = new ClassLoader(ClassWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, woven, 0, woven.length);
                }
            }
        };
        return Class.forName(name, true, loader); // links, so verifies
    }

    private static Object newTarget(byte[] woven) throws Exception {
        return define(woven).getConstructor().newInstance();
    }

    private static Object call(Object target, String name, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw (Exception) e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
    }
}
