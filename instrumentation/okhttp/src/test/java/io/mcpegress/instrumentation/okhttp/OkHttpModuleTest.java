package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The module against the real class files of every supported OkHttp line, read from their jars
 * (never loaded), weaving the advice the way the agent does. The integration tests then run the
 * woven classes; this is the fast check that a line still has every member the advice needs.
 */
class OkHttpModuleTest {

    private static final String ADDRESS = "okhttp3.Address";
    private static final String CONNECT_INTERCEPTOR = "okhttp3.internal.connection.ConnectInterceptor";

    private final List<TypeInstrumentation> instrumentations = new OkHttpModule().typeInstrumentations();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "okhttp-${okhttp3.version}.jar, io.mcpegress.instrumentation.okhttp.OkHttp3ExchangeAdvice",
            "okhttp-${okhttp4.version}.jar, io.mcpegress.instrumentation.okhttp.ExchangeAdvice",
            "okhttp-jvm-${okhttp5.version}.jar, io.mcpegress.instrumentation.okhttp.ExchangeAdvice"})
    void eachLineIsInstrumentedByExactlyOneAdvicePerType(String jarPattern, String exchangeAdvice) throws IOException {
        try (ClassFileLocator jar = ClassFileLocator.ForJarFile.of(jar(jarPattern).toFile())) {
            ClassFileLocator library = new ClassFileLocator.Compound(jar, ClassFileLocator.ForClassLoader.ofBootLoader());
            // what the agent uses: lazy resolution, so annotation types (kotlin.Metadata) need not be present
            TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), library,
                    TypePool.Default.ReaderMode.FAST);

            assertThat(weave(pool, library, ADDRESS)).containsExactly(RouteAddressAdvice.class.getName());
            assertThat(weave(pool, library, CONNECT_INTERCEPTOR)).containsExactly(exchangeAdvice);
        }
    }

    @Test
    void aClassLackingAFieldTheAdviceReadsFailsLoudly() {
        TypeDescription address = new ByteBuddy().subclass(Object.class).name(ADDRESS).make().getTypeDescription();

        assertThatThrownBy(() -> instrumentations.forEach(i -> i.typeMatcher().matches(address)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("unsupported OkHttp version: okhttp3.Address has no field okhttp3.HttpUrl url");
    }

    @Test
    void aClassLackingTheHookedMethodFailsLoudly() {
        TypeDescription interceptor = new ByteBuddy().subclass(Object.class).name(CONNECT_INTERCEPTOR).make()
                .getTypeDescription();

        assertThatThrownBy(() -> instrumentations.forEach(i -> i.typeMatcher().matches(interceptor)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no method okhttp3.Response intercept(okhttp3.Interceptor$Chain)");
    }

    @Test
    void otherTypesAreNeverInspected() {
        TypeDescription other = new ByteBuddy().subclass(Object.class).name("okhttp3.OkHttpClient").make()
                .getTypeDescription();

        assertThat(instrumentations).noneMatch(i -> i.typeMatcher().matches(other));
    }

    /** Applies every matching instrumentation to the type; returns the advice class names applied. */
    private List<String> weave(TypePool pool, ClassFileLocator library, String typeName) {
        TypeDescription type = pool.describe(typeName).resolve();
        ClassFileLocator adviceLocator = new ClassFileLocator.Compound(library,
                ClassFileLocator.ForClassLoader.of(OkHttpModuleTest.class.getClassLoader()));
        TypePool advicePool = TypePool.Default.of(adviceLocator);
        return instrumentations.stream()
                .filter(i -> i.typeMatcher().matches(type))
                .flatMap(i -> i.adviceBindings().stream())
                .peek(binding -> {
                    assertThat(type.getDeclaredMethods().filter(binding.methods()))
                            .as(binding.adviceClassName() + " hooks a method of " + typeName).isNotEmpty();
                    // fails like the agent's transformation would: unknown field, incompatible types, ...
                    new ByteBuddy().with(TypeValidation.DISABLED)
                            .redefine(type, library)
                            .visit(Advice.to(advicePool.describe(binding.adviceClassName()).resolve(), adviceLocator)
                                    .on(binding.methods()))
                            .make();
                })
                .map(TypeInstrumentation.AdviceBinding::adviceClassName)
                .toList();
    }

    private static Path jar(String pattern) {
        String name = pattern
                .replace("${okhttp3.version}", System.getProperty("okhttp3.version"))
                .replace("${okhttp4.version}", System.getProperty("okhttp4.version"))
                .replace("${okhttp5.version}", System.getProperty("okhttp5.version"));
        Path jar = Path.of(System.getProperty("okhttp.versions.dir")).resolve(name);
        assertThat(Files.isRegularFile(jar)).as(jar + " (copied by the build)").isTrue();
        return jar;
    }
}
