package io.mcpegress.agent;

import io.mcpegress.agent.policy.PolicyFileCache;
import io.mcpegress.instrumentation.api.InstrumentationModule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The classes each module weaves, with their advice signatures, listed by the build: one
 * {@link ModuleTargets} entry per module under {@link #FOLDER} in the agent jar. Building a
 * module's type instrumentations loads its matchers, helpers and advice classes; with the lists
 * in the jar no start, not even the first on a machine, builds them for a module whose classes the
 * application never loads (before, a first start built all of them to write the lists to the
 * weave cache).
 *
 * <p>The lists cannot go stale: they are written from the modules by {@link #main} in the build
 * ({@code process-classes}), into the same jar as the modules, and {@code BundledTargetsTest}
 * compares them with the modules. A jar or class path without them (an IDE run) falls back to the
 * weave cache, as before.
 */
final class BundledTargets implements PolicyFileCache.Store {

    static final String FOLDER = "io/mcpegress/agent/targets/";
    /** Names the listed modules, one per line; its presence says the build listed them. */
    static final String MODULES = "modules.txt";

    private final ClassLoader loader;

    BundledTargets(ClassLoader loader) {
        this.loader = loader;
    }

    /** The lists in the agent's own jar or class path, or null when the build wrote none. */
    static BundledTargets ofThisAgent() {
        ClassLoader loader = BundledTargets.class.getClassLoader();
        // a stream, not getResource: the agent loader serves it from the open jar, a URL costs ~3 ms of handlers
        try (InputStream in = loader.getResourceAsStream(FOLDER + MODULES)) {
            return in == null ? null : new BundledTargets(loader);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public byte[] read(String name) {
        try (InputStream in = loader.getResourceAsStream(FOLDER + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null; // the module's list is built from the module instead
        }
    }

    /** Read-only: a module missing here (one added outside the build) is built at each start. */
    @Override
    public void write(String name, byte[] bytes) {
    }

    /** Build step: writes every module's list, and {@link #MODULES}, into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        PolicyFileCache.Store out = new PolicyFileCache.Store() {
            @Override
            public byte[] read(String name) {
                return null; // always from the modules, never from an earlier build's files
            }

            @Override
            public void write(String name, byte[] bytes) {
                try {
                    Files.write(dir.resolve(name), bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        List<String> names = new ArrayList<>();
        ClassLoader loader = BundledTargets.class.getClassLoader();
        for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class, loader)) {
            ModuleTargets.of(module, out);
            if (!Files.isRegularFile(dir.resolve(ModuleTargets.entryName(module)))) { // of() swallows write failures
                throw new IOException("the list of module " + module.name() + " was not written to " + dir);
            }
            names.add(module.name());
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no instrumentation module on the class path: nothing to list");
        }
        Files.write(dir.resolve(MODULES), (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
