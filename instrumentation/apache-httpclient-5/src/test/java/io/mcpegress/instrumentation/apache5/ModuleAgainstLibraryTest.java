package io.mcpegress.instrumentation.apache5;

import io.mcpegress.instrumentation.api.AdviceScan;
import io.mcpegress.instrumentation.api.ModuleWeaving;
import io.mcpegress.instrumentation.api.StrictTypeMatcher;

import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.type.TypeShapes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The module against the library it is compiled with (the newest 5.x on the test class path): every
 * instrumented class matches with every advice finding its method, and every advice class is
 * inlinable into old class files and refers to nothing the application cannot see.
 */
class ModuleAgainstLibraryTest {

    private final ApacheHttpClient5Module module = new ApacheHttpClient5Module();

    @Test
    void everyInstrumentedClassOfTheLibraryMatchesWithTheAdviceOfItsGeneration() throws Exception {
        List<String> matched = new ArrayList<>();
        for (String name : List.of(ApacheHttpClient5Module.CLASSIC_SCOPE, ApacheHttpClient5Module.ASYNC_SCOPE,
                ApacheHttpClient5Module.PROTOCOL_EXEC, ApacheHttpClient5Module.ASYNC_PROTOCOL_EXEC,
                ApacheHttpClient5Module.ASYNC_POOL)) {
            TypeShape type = new TypeShapes(getClass().getClassLoader()).describe(name); // read, not loaded
            for (TypeInstrumentation t : module.typeInstrumentations()) {
                if (t.typeMatcher().matches(type)) {
                    matched.add(name.substring(name.lastIndexOf('.') + 1) + " -> "
                            + t.adviceBindings().get(0).adviceClassName().substring(ADVICE.length()));
                }
            }
        }
        // the newest 5.x: Unix-socket-aware routing, no tunnel shim (that is for 5.0/5.1)
        assertThat(matched).containsExactly(
                "ExecChain$Scope -> UnixSocketAwareRouteAdvice",
                "AsyncExecChain$Scope -> UnixSocketAwareRouteAdvice",
                "ProtocolExec -> ClassicExchangeAdvice",
                "AsyncProtocolExec -> AsyncExchangeAdvice");
    }

    private static final String ADVICE = "io.mcpegress.instrumentation.apache5.";

    @Test
    void theAgentsWeaverInlinesEveryMatchingAdviceIntoTheLibrarysClasses() {
        for (String name : List.of(ApacheHttpClient5Module.CLASSIC_SCOPE, ApacheHttpClient5Module.ASYNC_SCOPE, ApacheHttpClient5Module.PROTOCOL_EXEC, ApacheHttpClient5Module.ASYNC_PROTOCOL_EXEC)) {
            assertThat(ModuleWeaving.weave(module.typeInstrumentations(), getClass().getClassLoader(), name)).as(name).isNotEmpty();
        }
    }

    @Test
    void aLibraryVersionWithoutTheExpectedMethodIsAnErrorNotASilentSkip() {
        TypeInstrumentation strict = StrictTypeMatcher.instrument(Unrelated.class.getName(),
                new AdviceBinding(named("execute"), "SomeAdvice"));
        assertThatThrownBy(() -> strict.typeMatcher().matches(new TypeShapes(getClass().getClassLoader()).describe(Unrelated.class.getName())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unsupported version of " + Unrelated.class.getName())
                .hasMessageContaining("SomeAdvice");
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
}
