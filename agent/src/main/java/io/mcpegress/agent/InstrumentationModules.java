package io.mcpegress.agent;

import io.mcpegress.instrumentation.api.InstrumentationModule;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The instrumentation modules the agent jar declares as services. Read from the jar's own
 * {@code META-INF/services} file through the agent loader's {@code getResourceAsStream}, which
 * serves it from the already open jar: {@link ServiceLoader} asks for {@code jar:} URLs instead,
 * and their connection machinery (URL handlers, a second view of the jar, the platform loader's
 * resources) was ~8 ms of every start. Same file, same order, same public no-argument
 * constructors as {@link ServiceLoader} would use. Only the agent's own loader holds the one
 * merged file of all modules (the build merges them into the jar); on any other class path each
 * module jar has a file of its own, so there it is {@link ServiceLoader} itself.
 */
final class InstrumentationModules {

    static final String SERVICES = "META-INF/services/" + InstrumentationModule.class.getName();

    private InstrumentationModules() {
    }

    /** By name: the agent code may see another copy of the premain classes than the one that made its loader. */
    static final String AGENT_LOADER = "io.mcpegress.premain.AgentClassLoader";

    static List<InstrumentationModule> load(ClassLoader loader) {
        List<String> names = loader != null && loader.getClass().getName().equals(AGENT_LOADER) ? declared(loader) : null;
        List<InstrumentationModule> modules = new ArrayList<>();
        if (names == null) {
            for (InstrumentationModule m : ServiceLoader.load(InstrumentationModule.class, loader)) {
                modules.add(m);
            }
            return modules;
        }
        for (String name : names) {
            try {
                Class<?> type = Class.forName(name, true, loader);
                modules.add(type.asSubclass(InstrumentationModule.class).getConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                // as ServiceLoader would: a module that cannot be built stops the start loudly
                throw new IllegalStateException("instrumentation module " + name + " cannot be loaded: " + e, e);
            }
        }
        return modules;
    }

    /** The provider class names of the services file, comments and blanks dropped; null without the file. */
    static List<String> declared(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(SERVICES)) {
            if (in == null) {
                return null;
            }
            List<String> names = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!name.isEmpty() && !names.contains(name)) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            return null;
        }
    }
}
