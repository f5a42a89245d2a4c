package io.mcpegress.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that does nothing: what {@code -javaagent} costs the JVM before any agent code runs
 * (the java.instrument module and its native library, a JVM that may not use CDS's archived module
 * graph once {@code --add-modules java.instrument} is implied). The floor under every agent's
 * added start-up, ours and OpenTelemetry's alike.
 */
public final class NoopAgent {

    private NoopAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        // nothing: the cost measured is the JVM's
    }

    /** A jar holding only the manifest: the class itself is found on the child's class path. */
    static Path writeJar(Path dir) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), NoopAgent.class.getName());
        Path jar = dir.resolve("noop-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar;
    }
}
