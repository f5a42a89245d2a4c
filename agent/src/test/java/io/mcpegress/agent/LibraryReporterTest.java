package io.mcpegress.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LibraryReporterTest {

    @Test
    void theVersionComesFromTheJarName() {
        assertThat(LibraryReporter.version("file:/m2/com/squareup/okhttp3/okhttp/4.12.0/okhttp-4.12.0.jar")).isEqualTo("4.12.0");
        assertThat(LibraryReporter.version("file:/app/lib/okhttp-jvm-5.5.1.jar")).isEqualTo("5.5.1");
        assertThat(LibraryReporter.version("file:/app/lib/httpclient5-5.1.4.jar")).isEqualTo("5.1.4");
        assertThat(LibraryReporter.version("file:/app/lib/mcp-core-1.1.5-SNAPSHOT.jar")).isEqualTo("1.1.5-SNAPSHOT");
        assertThat(LibraryReporter.version("file:/app/lib/httpasyncclient-4.1.5.jar")).isEqualTo("4.1.5");
    }

    @Test
    void jdkClassesReportTheRuntimeVersionAndUnknownLocationsNone() {
        assertThat(LibraryReporter.version("jdk")).isEqualTo(Runtime.version().toString());
        assertThat(LibraryReporter.version("file:/app/classes/")).isNull();
        assertThat(LibraryReporter.version("file:/app/lib/shaded.jar")).isNull();
    }
}
