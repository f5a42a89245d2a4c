package io.mcpegress.agent.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Docs are part of the feature: every key the agent accepts is in docs/configuration.md. */
class DocumentationTest {

    @Test
    void everyConfigurationKeyIsDocumented() throws Exception {
        Path docs = Path.of("../docs/configuration.md");
        String text = Files.readString(docs);
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(text.contains("`" + key.key() + "`")).as("docs/configuration.md documents " + key.key()).isTrue();
        }
    }
}
