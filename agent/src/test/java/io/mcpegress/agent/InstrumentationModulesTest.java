package io.mcpegress.agent;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class InstrumentationModulesTest {

    @TempDir
    Path dir;

    @Test
    void theServicesFileIsReadAsServiceLoaderReadsIt() throws Exception {
        Path services = dir.resolve(InstrumentationModules.SERVICES);
        Files.createDirectories(services.getParent());
        Files.writeString(services, "# modules of this build\n\ncom.example.OneModule  # first\n  com.example.TwoModule\r\n"
                + "com.example.OneModule\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, null)) {
            assertThat(InstrumentationModules.declared(loader)).containsExactly("com.example.OneModule", "com.example.TwoModule");
        }
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThat(InstrumentationModules.declared(empty)).isNull();
        }
    }

    @Test
    void anyLoaderButTheAgentsUsesServiceLoaderAndFindsEveryModuleJarsFile() {
        // on the test class path every module jar has a services file of its own
        ClassLoader loader = getClass().getClassLoader();
        List<String> expected = new ArrayList<>();
        for (InstrumentationModule m : ServiceLoader.load(InstrumentationModule.class, loader)) {
            expected.add(m.name());
        }
        List<String> loaded = new ArrayList<>();
        for (InstrumentationModule m : InstrumentationModules.load(loader)) {
            loaded.add(m.name());
        }
        assertThat(loaded).containsExactlyElementsOf(expected).contains("jdk-httpclient", "okhttp", "apache-httpclient-5");
    }
}
