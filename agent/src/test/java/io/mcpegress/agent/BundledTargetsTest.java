package io.mcpegress.agent;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/** The lists the build wrote (process-classes) are those the modules declare now. */
class BundledTargetsTest {

    @Test
    void theBuildListsEveryModuleAsTheModuleDeclaresIt() {
        BundledTargets bundled = BundledTargets.ofThisAgent();
        assertThat(bundled).as("the build step (BundledTargets.main) wrote the lists").isNotNull();

        List<String> names = new ArrayList<>();
        for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class)) {
            names.add(module.name());
            ModuleTargets listed = ModuleTargets.of(module, bundled);
            assertThat(bundled.read(ModuleTargets.entryName(module))).as(module.name()).isNotNull();
            assertThat(listed.named()).as(module.name()).isEqualTo(ModuleTargets.of(module, null).named());
            for (int i = 0; i < listed.named().size(); i++) {
                assertThat(listed.type(i).typeName()).isEqualTo(listed.named().get(i).typeName()); // checks the signature too
            }
        }
        assertThat(names).contains("jdk-httpclient", "httpurlconnection", "okhttp", "mcp-java-sdk",
                "apache-httpclient-4", "apache-httpclient-5");
        assertThat(new String(bundled.read(BundledTargets.MODULES), StandardCharsets.UTF_8).lines())
                .containsExactlyElementsOf(names);
    }

    @Test
    void theListsAreReadOnly() {
        BundledTargets bundled = BundledTargets.ofThisAgent();
        ModuleTargetsTest.CountingModule module = new ModuleTargetsTest.CountingModule();
        ModuleTargets.of(module, bundled);
        ModuleTargets.of(module, bundled);
        assertThat(module.built).as("a module the build did not list is built at each start").hasValue(2);
        assertThat(bundled.read(ModuleTargets.entryName(module))).isNull();
    }
}
