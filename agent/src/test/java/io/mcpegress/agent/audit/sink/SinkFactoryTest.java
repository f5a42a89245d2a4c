package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditSink;
import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SinkFactoryTest {

    @TempDir
    Path dir;

    private AgentConfig config(String... keyValues) {
        Map<String, String> raw = new HashMap<>();
        raw.put(ConfigKey.AUDIT_FILE.key(), dir.resolve("audit.jsonl").toString());
        raw.put(ConfigKey.AUDIT_SPOOL_DIR.key(), dir.resolve("spool").toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put(keyValues[i], keyValues[i + 1]);
        }
        return AgentConfig.from(raw);
    }

    private FanOutSink create(Map<String, String> env, String... keyValues) {
        return SinkFactory.create(config(keyValues), env);
    }

    private void assertInvalid(String key, String value, String... more) {
        String[] kv = new String[more.length + 2];
        kv[0] = key;
        kv[1] = value;
        System.arraycopy(more, 0, kv, 2, more.length);
        assertThatThrownBy(() -> create(Map.of(), kv).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + "='" + value + "' is invalid: expected ");
    }

    @Test
    void theDefaultIsOneRotatingFileSinkOnTheAuditFile() throws Exception {
        try (FanOutSink sinks = create(Map.of())) {
            assertThat(sinks.sinks()).hasSize(1);
            assertThat(sinks.sinks().get(0)).isInstanceOf(RotatingFileSink.class);
            assertThat(sinks.describe()).isEqualTo("file:" + dir.resolve("audit.jsonl").toAbsolutePath()
                    + " (rotate=none, fsync=interval 1000ms)");
            assertThat(sinks.endpoints()).isEmpty();
        }
    }

    @Test
    void everySinkKindFromConfigurationInTheListedOrder() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "file-token\n");
        try (FanOutSink sinks = create(Map.of(),
                "mcp.egress.audit.sinks", "file, stderr ,syslog,http",
                "mcp.egress.audit.file.max-size", "10MB",
                "mcp.egress.audit.file.rotate", "hourly",
                "mcp.egress.audit.file.retention", "24",
                "mcp.egress.audit.file.fsync", "always",
                "mcp.egress.audit.syslog.url", "tcp://127.0.0.1:6514",
                "mcp.egress.audit.syslog.facility", "auth",
                "mcp.egress.audit.http.url", "http://127.0.0.1:8088",
                "mcp.egress.audit.http.format", "splunk-hec",
                "mcp.egress.audit.http.token-file", token.toString(),
                "mcp.egress.audit.http.gzip", "true",
                "mcp.egress.audit.http.batch-size", "100",
                "mcp.egress.audit.http.flush-interval", "250ms")) {
            List<AuditSink> list = sinks.sinks();
            assertThat(list).hasSize(4);
            assertThat(list.get(0)).isInstanceOf(RotatingFileSink.class);
            assertThat(list.get(0).describe()).endsWith("(rotate=hourly, max-size=10485760, retention=24, fsync=always)");
            assertThat(list.get(1)).isInstanceOf(StderrSink.class);
            assertThat(list.get(2)).as("syslog over TCP is spooled").isInstanceOf(SpooledSink.class);
            assertThat(list.get(2).describe())
                    .isEqualTo("syslog:tcp://127.0.0.1:6514 (spool " + dir.resolve("spool/syslog") + ")");
            assertThat(list.get(3)).as("HTTP is spooled").isInstanceOf(SpooledSink.class);
            assertThat(list.get(3).describe())
                    .isEqualTo("http:splunk-hec:http://127.0.0.1:8088/services/collector/event (gzip) (spool "
                            + dir.resolve("spool/http") + ")")
                    .doesNotContain("file-token");
            assertThat(sinks.endpoints()).extracting(a -> a.getHostString() + ":" + a.getPort())
                    .contains("127.0.0.1:6514", "127.0.0.1:8088");
            assertThat(sinks.describeEndpoint()).isEqualTo("127.0.0.1:6514,127.0.0.1:8088");
        }
    }

    @Test
    void tokenFromAnEnvironmentVariable() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HEC_TOKEN", "env-token");
        try (FanOutSink sinks = create(env,
                "mcp.egress.audit.sinks", "http",
                "mcp.egress.audit.http.url", "https://127.0.0.1:8088/",
                "mcp.egress.audit.http.format", "otlp",
                "mcp.egress.audit.http.token-env", "HEC_TOKEN",
                "mcp.egress.audit.spool.dir", "none")) {
            assertThat(sinks.describe()).as("no spool").isEqualTo("http:otlp:https://127.0.0.1:8088/v1/logs");
        }
        assertThatThrownBy(() -> create(Map.of(),
                "mcp.egress.audit.sinks", "http",
                "mcp.egress.audit.http.url", "https://127.0.0.1:8088/",
                "mcp.egress.audit.http.format", "otlp",
                "mcp.egress.audit.http.token-env", "HEC_TOKEN"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mcp.egress.audit.http.token-env='HEC_TOKEN' is invalid: expected name of a set environment"
                        + " variable holding the token (it is unset or empty)");
    }

    @Test
    void tokenFileIsReadAgainWhenItChanges() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "one\n");
        SinkFactory.TokenFile file = new SinkFactory.TokenFile(token);
        assertThat(file.get()).isEqualTo("one");
        Files.writeString(token, "two");
        Files.setLastModifiedTime(token, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertThat(file.get()).isEqualTo("two");
        Files.delete(token);
        assertThat(file.get()).isEqualTo("two"); // keeps the last good token
    }

    @Test
    void invalidValuesNameTheKeyTheValueAndTheExpectedForm() {
        assertInvalid("mcp.egress.audit.sinks", "file,kafka");
        assertInvalid("mcp.egress.audit.sinks", "file,file");
        assertInvalid("mcp.egress.audit.sinks", " ");
        assertInvalid("mcp.egress.audit.file.max-size", "10 parsecs");
        assertInvalid("mcp.egress.audit.file.max-size", "100");
        assertInvalid("mcp.egress.audit.file.rotate", "weekly");
        assertInvalid("mcp.egress.audit.file.retention", "-1");
        assertInvalid("mcp.egress.audit.file.fsync", "sometimes");
        assertInvalid("mcp.egress.audit.file.fsync-interval", "0ms");
        assertInvalid("mcp.egress.stdio-server", "maybe");
        assertInvalid("mcp.egress.audit.syslog.url", "http://127.0.0.1:514", "mcp.egress.audit.sinks", "syslog");
        assertInvalid("mcp.egress.audit.syslog.url", "tcp://127.0.0.1", "mcp.egress.audit.sinks", "syslog");
        assertInvalid("mcp.egress.audit.syslog.facility", "local9");
        assertInvalid("mcp.egress.audit.syslog.ca-file", dir.resolve("missing.pem").toString());
        assertInvalid("mcp.egress.audit.http.url", "ftp://127.0.0.1/", "mcp.egress.audit.sinks", "http",
                "mcp.egress.audit.http.format", "otlp");
        assertInvalid("mcp.egress.audit.http.url", "https://user:pw@127.0.0.1/", "mcp.egress.audit.sinks", "http",
                "mcp.egress.audit.http.format", "otlp");
        assertInvalid("mcp.egress.audit.http.format", "loki", "mcp.egress.audit.sinks", "http",
                "mcp.egress.audit.http.url", "http://127.0.0.1:3100/");
        assertInvalid("mcp.egress.audit.http.gzip", "yes");
        assertInvalid("mcp.egress.audit.http.batch-size", "0");
        assertInvalid("mcp.egress.audit.http.batch-bytes", "1GB");
        assertInvalid("mcp.egress.audit.http.flush-interval", "soon");
        assertInvalid("mcp.egress.audit.http.max-retries", "1001");
        assertInvalid("mcp.egress.audit.http.buffer-size", "1KB");
        assertInvalid("mcp.egress.audit.http.index", "Audit Index");
        assertInvalid("mcp.egress.audit.http.token-env", "MCP_EGRESS_TOKEN");
        assertInvalid("mcp.egress.audit.http.auth-scheme", "Bearer token");
    }

    @Test
    void aSinkUrlWithoutTheSinkListedOrTheReverseIsAnError() {
        assertThatThrownBy(() -> create(Map.of(), "mcp.egress.audit.syslog.url", "udp://127.0.0.1:514"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mcp.egress.audit.sinks='file' is invalid: expected a list that includes syslog when"
                        + " mcp.egress.audit.syslog.url is set");
        assertThatThrownBy(() -> create(Map.of(), "mcp.egress.audit.sinks", "file,http"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcp.egress.audit.http.url='' is invalid");
        assertThatThrownBy(() -> create(Map.of(), "mcp.egress.audit.sinks", "http",
                "mcp.egress.audit.http.url", "http://127.0.0.1:9200"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mcp.egress.audit.http.format='null' is invalid: expected splunk-hec, otlp or elasticsearch");
    }

    @Test
    void stdoutIsRefusedInAStdioServerAndAllowedWhenTheOperatorSaysOtherwise() throws Exception {
        assertThatThrownBy(() -> create(Map.of(), "mcp.egress.audit.sinks", "stdout",
                "mcp.egress.stdio-server", "true"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcp.egress.audit.sinks='stdout' is invalid: expected a list without stdout")
                .hasMessageContaining("mcp.egress.stdio-server=false");
        try (FanOutSink sinks = create(Map.of(), "mcp.egress.audit.sinks", "stdout",
                "mcp.egress.stdio-server", "false")) {
            assertThat(sinks.describe()).isEqualTo("stdout");
        }
    }

    @Test
    void anAuditFileThatCannotBeOpenedIsAConfigurationError() throws Exception {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        String file = blocker.resolve("audit.jsonl").toString();
        assertThatThrownBy(() -> create(Map.of(), "mcp.egress.audit.file", file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcp.egress.audit.file='" + file + "' is invalid: expected writable file path");
    }

    @Test
    void sizesAndDurations() {
        assertThat(SinkConfig.parseSize("1048576")).isEqualTo(1_048_576L);
        assertThat(SinkConfig.parseSize("512k")).isEqualTo(524_288L);
        assertThat(SinkConfig.parseSize("512KB")).isEqualTo(524_288L);
        assertThat(SinkConfig.parseSize("10 MB")).isEqualTo(10_485_760L);
        assertThat(SinkConfig.parseSize("2GiB")).isEqualTo(2_147_483_648L);
        assertThatThrownBy(() -> SinkConfig.parseSize("1.5MB")).isInstanceOf(IllegalArgumentException.class);
        assertThat(SinkConfig.parseDurationMillis("250")).isEqualTo(250L);
        assertThat(SinkConfig.parseDurationMillis("250ms")).isEqualTo(250L);
        assertThat(SinkConfig.parseDurationMillis("5s")).isEqualTo(5_000L);
        assertThat(SinkConfig.parseDurationMillis("2m")).isEqualTo(120_000L);
        assertThat(SinkConfig.parseDurationMillis("1h")).isEqualTo(3_600_000L);
        assertThatThrownBy(() -> SinkConfig.parseDurationMillis("1d")).isInstanceOf(IllegalArgumentException.class);
    }
}
