package io.mcpegress.instrumentation.apache4;

import io.mcpegress.instrumentation.api.StrictTypeMatcher;

import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The module against the library it is compiled with (the newest 4.x on the test class path): every
 * instrumented class matches with every advice finding its method, and every advice class is
 * inlinable into old class files and refers to nothing the application cannot see.
 */
class ModuleAgainstLibraryTest {

    private final ApacheHttpClient4Module module = new ApacheHttpClient4Module();

    @Test
    void everyInstrumentedClassOfTheLibraryMatchesWithAllItsAdvice() throws Exception {
        List<String> matched = new ArrayList<>();
        for (String name : List.of(ApacheHttpClient4Module.PROTOCOL_EXEC, ApacheHttpClient4Module.ASYNC_HANDLER_BASE,
                ApacheHttpClient4Module.ASYNC_MAIN_EXEC)) {
            TypeDescription type = TypeDescription.ForLoadedType.of(Class.forName(name));
            for (TypeInstrumentation t : module.typeInstrumentations()) {
                if (t.typeMatcher().matches(type)) {
                    matched.add(name);
                }
            }
        }
        assertThat(matched).containsExactly(ApacheHttpClient4Module.PROTOCOL_EXEC,
                ApacheHttpClient4Module.ASYNC_HANDLER_BASE, ApacheHttpClient4Module.ASYNC_MAIN_EXEC);
    }

    @Test
    void aLibraryVersionWithoutTheExpectedMethodIsAnErrorNotASilentSkip() {
        TypeInstrumentation strict = StrictTypeMatcher.instrument(Unrelated.class.getName(),
                new AdviceBinding(named("execute"), "SomeAdvice"));
        assertThatThrownBy(() -> strict.typeMatcher().matches(TypeDescription.ForLoadedType.of(Unrelated.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unsupported version of " + Unrelated.class.getName())
                .hasMessageContaining("SomeAdvice");
    }

    @Test
    void engineTheClientLayerDoesNotCoverIsReportedWhenLoaded() throws Exception {
        TypeDescription legacy = TypeDescription.ForLoadedType.of(
                Class.forName("org.apache.http.impl.client.DefaultRequestDirector"));
        for (TypeInstrumentation t : module.typeInstrumentations()) {
            if (t.adviceBindings().isEmpty()) {
                try {
                    t.typeMatcher().matches(legacy);
                } catch (IllegalStateException reported) {
                    assertThat(reported).hasMessageContaining("DefaultHttpClient");
                    return;
                }
            }
        }
        throw new AssertionError("DefaultRequestDirector is not reported");
    }

    @Test
    void adviceIsInlinableIntoJava6ClassFilesAndOnlyCallsTheBootstrapFacade() throws IOException {
        for (TypeInstrumentation t : module.typeInstrumentations()) {
            for (AdviceBinding binding : t.adviceBindings()) {
                AdviceScan.check(binding.adviceClassName());
            }
        }
    }

    static final class Unrelated {
        void other() {
        }
    }

    /** Reads an advice class file: no invokedynamic, no reference to agent-side classes. */
    static final class AdviceScan {
        static void check(String adviceClass) throws IOException {
            String resource = adviceClass.replace('.', '/') + ".class";
            List<String> problems = new ArrayList<>();
            try (InputStream in = AdviceScan.class.getClassLoader().getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                     String[] exceptions) {
                        return new MethodVisitor(Opcodes.ASM9) {
                            @Override
                            public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                                problems.add(name + ": invokedynamic " + bsm);
                            }

                            @Override
                            public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                                agentSide(owner, name + " calls " + owner + "." + n);
                            }

                            @Override
                            public void visitFieldInsn(int opcode, String owner, String n, String d) {
                                agentSide(owner, name + " reads " + owner + "." + n);
                            }

                            private void agentSide(String owner, String what) {
                                if (owner.startsWith("io/mcpegress/") && !owner.startsWith("io/mcpegress/bootstrap/")) {
                                    problems.add(what);
                                }
                            }
                        };
                    }
                }, 0);
            }
            assertThat(problems).as(adviceClass).isEmpty();
        }
    }
}
