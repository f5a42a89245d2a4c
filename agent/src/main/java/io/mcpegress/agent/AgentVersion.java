package io.mcpegress.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, stamped into a resource by the build. */
public final class AgentVersion {

    private static final String VERSION = load();

    private AgentVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("/io/mcpegress/agent/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown";
    }
}
