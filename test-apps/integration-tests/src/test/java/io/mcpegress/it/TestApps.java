package io.mcpegress.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the agent jar and the test apps' class paths are, as built by Maven. */
final class TestApps {

    private TestApps() {
    }

    static Path agentJar() {
        Path jar = Path.of(System.getProperty("mcp.egress.it.agentJar", "../../agent/target/mcp-egress-agent.jar"))
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not built: " + jar + " (run the build from the repository root)");
        }
        return jar;
    }

    /** The app's classes plus its runtime dependencies (written by dependency:build-classpath). */
    static List<Path> classpath(String module) {
        Path dir = Path.of(System.getProperty("mcp.egress.it.appsDir", "..")).resolve(module).toAbsolutePath().normalize();
        List<Path> cp = new ArrayList<>();
        cp.add(dir.resolve("target/classes"));
        Path file = dir.resolve("target/app-classpath.txt");
        try {
            String text = Files.readString(file).trim();
            if (!text.isEmpty()) {
                for (String entry : text.split(java.io.File.pathSeparator)) {
                    cp.add(Path.of(entry));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("class path of test app " + module + " not built: " + file, e);
        }
        return cp;
    }
}
