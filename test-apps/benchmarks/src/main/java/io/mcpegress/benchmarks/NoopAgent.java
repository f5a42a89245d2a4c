package io.mcpegress.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
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
 *
 * <p>With the argument {@code transformer} it registers one class file transformer that changes
 * nothing: the floor under every agent that instruments classes as they load. From then on the
 * JVM posts each class it loads to the transformer (a Java byte array of the class file, an
 * upcall, and for a class from the CDS archive its class file read from the runtime image first).
 */
public final class NoopAgent {

    private NoopAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        if ("transformer".equals(args)) {
            inst.addTransformer(new ClassFileTransformer() { // returns null: the class as it was
            }, true);
        }
    }

    /** A jar holding only the manifest: the class itself is found on the child's class path. */
    static Path writeJar(Path dir) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), NoopAgent.class.getName());
        // as ours and OTel's declare it: the capability is asked for when the agent loads
        manifest.getMainAttributes().put(new Attributes.Name("Can-Retransform-Classes"), "true");
        Path jar = dir.resolve("noop-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar;
    }
}
