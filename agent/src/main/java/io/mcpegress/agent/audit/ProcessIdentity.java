package io.mcpegress.agent.audit;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who emits the events: service, process and host, computed once. */
public final class ProcessIdentity {

    private final String serviceName;
    private final long pid;
    private final String agentVersion;
    private volatile String hostname;

    public ProcessIdentity(String serviceName, String agentVersion) {
        this.serviceName = serviceName;
        this.pid = ProcessHandle.current().pid();
        this.agentVersion = agentVersion;
    }

    public String serviceName() {
        return serviceName;
    }

    public long pid() {
        return pid;
    }

    public String agentVersion() {
        return agentVersion;
    }

    /** Looked up lazily on the writer thread: a reverse lookup at start-up can take seconds. */
    public String hostname() {
        String h = hostname;
        if (h == null) {
            h = lookupHostname();
            hostname = h;
        }
        return h;
    }

    private static String lookupHostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String etc = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).trim();
            if (!etc.isEmpty()) {
                return etc;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or not readable
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A service name from the command line when none is configured: the main class or jar. */
    public static String deriveServiceName() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.split(" ", 2)[0];
        if (first.isEmpty()) {
            return "java";
        }
        if (first.endsWith(".jar")) {
            String file = Path.of(first).getFileName().toString();
            return file.substring(0, file.length() - 4);
        }
        int dot = first.lastIndexOf('.');
        return dot >= 0 ? first.substring(dot + 1) : first;
    }
}
