package io.mcpegress.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The JDKs the integration tests launch child JVMs on.
 *
 * <p>Default: the JDK running the tests plus {@code /usr/lib/jvm/temurin-25-jdk-amd64} when present
 * (the agent must work on the oldest supported and the newest JDK). Override with
 * {@code -Dmcp.egress.it.jdks=/path/jdk17,/path/jdk21}.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @MethodSource("io.mcpegress.testkit.Jdks#stream")
 * void works(Path javaHome) { ... }
 * }</pre>
 */
public final class Jdks {

    public static final String PROPERTY = "mcp.egress.it.jdks";
    public static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private Jdks() {
    }

    /** Java homes to test on, de-duplicated, in a stable order. */
    public static List<Path> all() {
        Set<Path> homes = new LinkedHashSet<>();
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            for (String home : override.split(",")) {
                if (!home.isBlank()) {
                    homes.add(normalize(Path.of(home.trim())));
                }
            }
        } else {
            homes.add(normalize(Path.of(System.getProperty("java.home"))));
            if (Files.isExecutable(TEMURIN_25.resolve("bin/java"))) {
                homes.add(normalize(TEMURIN_25));
            }
        }
        for (Path home : homes) {
            if (!Files.isExecutable(home.resolve("bin/java"))) {
                throw new IllegalStateException("not a Java home (no bin/java): " + home
                        + " (check -D" + PROPERTY + ")");
            }
        }
        return List.copyOf(new ArrayList<>(homes));
    }

    /** {@link #all()} as a stream, for {@code @MethodSource}. */
    public static Stream<Path> stream() {
        return all().stream();
    }

    /** The current JVM's java.home. */
    public static Path current() {
        return normalize(Path.of(System.getProperty("java.home")));
    }

    /**
     * Feature version (17, 21, 25, ...) from {@code $JAVA_HOME/release}'s JAVA_VERSION,
     * e.g. {@code JAVA_VERSION="17.0.21.1"} gives 17 and {@code "1.8.0_402"} gives 8.
     */
    public static int featureVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        Properties props = new Properties();
        try (var in = Files.newInputStream(release)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + release, e);
        }
        String version = props.getProperty("JAVA_VERSION");
        if (version == null) {
            throw new IllegalStateException("no JAVA_VERSION in " + release);
        }
        version = version.replace("\"", "").trim();
        String[] parts = version.split("[._\\-+]");
        int first = Integer.parseInt(parts[0]);
        return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
    }

    private static Path normalize(Path home) {
        try {
            return home.toRealPath();
        } catch (IOException e) {
            return home.toAbsolutePath().normalize();
        }
    }
}
