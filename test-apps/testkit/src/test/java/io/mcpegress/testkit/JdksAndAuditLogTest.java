package io.mcpegress.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdksAndAuditLogTest {

    @Test
    void jdksIncludeTheCurrentOne() {
        assertThat(Jdks.all()).contains(Jdks.current());
        assertThat(Jdks.featureVersion(Jdks.current())).isEqualTo(Runtime.version().feature());
    }

    @Test
    void auditLogNavigatesNestedAndDottedKeysAndIgnoresPartialLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"url\":{\"full\":\"http://a/1\"},\"http\":{\"response\":{\"status_code\":200}},\"event\":{\"outcome\":\"success\"}}",
                "{\"url.full\":\"http://a/2\",\"http\":{\"response.status_code\":\"404\"},\"event\":{\"outcome\":\"failure\"}}",
                "{\"url\":{\"full\":\"http://a/3\"},\"event\":{\"outc"), StandardCharsets.UTF_8);

        AuditLog log = AuditLog.read(file);
        assertThat(log.events()).hasSize(2);
        assertThat(AuditLog.text(log.events().get(0), "url.full")).isEqualTo("http://a/1");
        assertThat(AuditLog.text(log.events().get(1), "url.full")).isEqualTo("http://a/2");
        assertThat(AuditLog.number(log.events().get(0), "http.response.status_code")).isEqualTo(200);
        assertThat(AuditLog.number(log.events().get(1), "http.response.status_code")).isEqualTo(404);
        assertThat(AuditLog.text(log.events().get(0), "no.such.field")).isNull();
        assertThat(log.where("event.outcome", "failure")).hasSize(1);

        Files.writeString(file, "ome\":\"success\"}}\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(AuditLog.waitForCount(file, 3, Duration.ofSeconds(2)).where("event.outcome", "success"))
                .hasSize(2);
    }
}
