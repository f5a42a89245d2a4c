package io.mcpegress.instrumentation.apache4;

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
            TypeShape type = new TypeShapes(getClass().getClassLoader()).describe(name); // read, not loaded
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
    void theAgentsWeaverInlinesEveryMatchingAdviceIntoTheLibrarysClasses() {
        for (String name : List.of(ApacheHttpClient4Module.PROTOCOL_EXEC, ApacheHttpClient4Module.ASYNC_HANDLER_BASE, ApacheHttpClient4Module.ASYNC_MAIN_EXEC)) {
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
    void engineTheClientLayerDoesNotCoverIsReportedWhenLoaded() throws Exception {
        TypeShape legacy = new TypeShapes(getClass().getClassLoader())
                .describe("org.apache.http.impl.client.DefaultRequestDirector");
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
}
