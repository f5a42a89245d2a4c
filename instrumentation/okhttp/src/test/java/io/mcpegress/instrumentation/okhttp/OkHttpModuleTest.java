package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.ModuleWeaving;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.type.TypeShapes;
import net.bytebuddy.ByteBuddy;
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
        // the jar and the JDK only: annotation types (kotlin.Metadata) are named, never read
        ClassLoader library = ModuleWeaving.jarFirst(jar(jarPattern), ClassLoader.getPlatformClassLoader());
        assertThat(ModuleWeaving.weave(instrumentations, library, ADDRESS)).containsExactly(RouteAddressAdvice.class.getName());
        assertThat(ModuleWeaving.weave(instrumentations, library, CONNECT_INTERCEPTOR)).containsExactly(exchangeAdvice);
    }

    @Test
    void aClassLackingAFieldTheAdviceReadsFailsLoudly() {
        TypeShape address = stub(ADDRESS);

        assertThatThrownBy(() -> instrumentations.forEach(i -> i.typeMatcher().matches(address)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("unsupported OkHttp version: okhttp3.Address has no field okhttp3.HttpUrl url");
    }

    @Test
    void aClassLackingTheHookedMethodFailsLoudly() {
        TypeShape interceptor = stub(CONNECT_INTERCEPTOR);

        assertThatThrownBy(() -> instrumentations.forEach(i -> i.typeMatcher().matches(interceptor)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no method okhttp3.Response intercept(okhttp3.Interceptor$Chain)");
    }

    @Test
    void otherTypesAreNeverInspected() {
        TypeShape other = stub("okhttp3.OkHttpClient");

        assertThat(instrumentations).noneMatch(i -> i.typeMatcher().matches(other));
    }

    /** An empty class of that name, as a library version lacking everything would have it. */
    private static TypeShape stub(String name) {
        byte[] classfile = new ByteBuddy().subclass(Object.class).name(name).make().getBytes();
        return new TypeShapes(OkHttpModuleTest.class.getClassLoader(), name, classfile).describe(name);
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
