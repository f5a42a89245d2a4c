package io.mcpegress.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpegress.agent.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrityKeyTest {

    static final String ENV_KEY = "mcp.egress.audit.integrity.key-env";
    static final String FILE_KEY = "mcp.egress.audit.integrity.key-file";

    @TempDir
    Path dir;

    @Test
    void noSourceMeansAnUnkeyedChain() {
        assertThat(IntegrityKey.load(null, null, Map.of(), ENV_KEY, FILE_KEY)).isNull();
    }

    @Test
    void keyFromTheNamedVariable() {
        assertThat(IntegrityKey.load("AUDIT_KEY", null, Map.of("AUDIT_KEY", "s3cret"), ENV_KEY, FILE_KEY))
                .isEqualTo("s3cret".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keyFromAFileWithoutItsTrailingNewline() throws Exception {
        Path f = Files.writeString(dir.resolve("k"), "s3cret\n");
        assertThat(IntegrityKey.load(null, f.toString(), Map.of(), ENV_KEY, FILE_KEY)).isEqualTo("s3cret".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void errorsNameTheSourceNeverTheKey() throws Exception {
        assertThatThrownBy(() -> IntegrityKey.load("AUDIT_KEY", null, Map.of(), ENV_KEY, FILE_KEY))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ENV_KEY).hasMessageContaining("AUDIT_KEY");
        assertThatThrownBy(() -> IntegrityKey.load(null, dir.resolve("missing").toString(), Map.of(), ENV_KEY, FILE_KEY))
                .isInstanceOf(ConfigException.class).hasMessageContaining(FILE_KEY);
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> IntegrityKey.load(null, empty.toString(), Map.of(), ENV_KEY, FILE_KEY))
                .isInstanceOf(ConfigException.class);
        Path f = Files.writeString(dir.resolve("k"), "s3cret");
        assertThatThrownBy(() -> IntegrityKey.load("AUDIT_KEY", f.toString(), Map.of("AUDIT_KEY", "s3cret"), ENV_KEY, FILE_KEY))
                .isInstanceOf(ConfigException.class).hasMessageContaining("one key source").satisfies(e ->
                        assertThat(e.getMessage()).doesNotContain("s3cret"));
    }
}
