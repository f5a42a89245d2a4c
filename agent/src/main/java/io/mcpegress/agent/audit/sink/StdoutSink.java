package io.mcpegress.agent.audit.sink;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * JSON lines on the process's standard output, for servers whose stdout is a log stream (an HTTP
 * MCP server in a container). An MCP server on the <em>stdio</em> transport speaks JSON-RPC on
 * stdout, and one audit line there breaks its client: this sink refuses to be created when the
 * process is, or looks like, such a server.
 *
 * <h2>Detection ({@link #looksLikeStdioMcpServer()})</h2>
 * The setting {@code mcp.egress.stdio-server} (system property, or environment variable
 * {@code MCP_EGRESS_STDIO_SERVER}) decides when it is {@code true} or {@code false}. When unset or
 * {@code auto}, the process is taken for a stdio server when either
 * <ol>
 *   <li>its command line ({@code sun.java.command}: main class or jar, and arguments) contains
 *       {@code stdio} in any case (as in {@code --transport stdio}, {@code --stdio},
 *       {@code com.acme.WeatherStdioServer}); or</li>
 *   <li>on Linux, both file descriptor 0 (stdin) and 1 (stdout) are pipes or sockets: how an MCP
 *       client launches a stdio server. A container or service manager gives stdin as
 *       {@code /dev/null} or a terminal, so their stdout logging stays allowed.</li>
 * </ol>
 * A false positive is resolved with {@code mcp.egress.stdio-server=false}.
 */
public final class StdoutSink extends StreamSink {

    /** System property and configuration key that overrides detection: true, false or auto. */
    public static final String STDIO_SERVER_PROPERTY = "mcp.egress.stdio-server";

    /**
     * Writes to {@link System#out}.
     *
     * @throws IllegalStateException when {@link #looksLikeStdioMcpServer()}
     */
    public StdoutSink() {
        this(looksLikeStdioMcpServer(), System.out);
    }

    /**
     * Like {@link #StdoutSink()}, with the configured value of {@code mcp.egress.stdio-server}
     * ({@code true}, {@code false}, {@code auto}, or {@code null} for auto).
     */
    public static StdoutSink create(String stdioServerSetting) {
        return new StdoutSink(looksLikeStdioMcpServer(stdioServerSetting), System.out);
    }

    StdoutSink(boolean stdioServer, PrintStream out) {
        super(out, "stdout");
        if (stdioServer) {
            throw new IllegalStateException("the audit sink 'stdout' is refused: this process looks like an MCP"
                    + " server on the stdio transport, whose JSON-RPC stream is stdout and would be corrupted by"
                    + " audit lines. Use the 'stderr' or 'file' sink, or set " + STDIO_SERVER_PROPERTY
                    + "=false if this is not a stdio server.");
        }
    }

    /** Detection from this process's settings and environment; see the class comment. */
    public static boolean looksLikeStdioMcpServer() {
        String setting = System.getProperty(STDIO_SERVER_PROPERTY);
        if (setting == null) {
            setting = System.getenv("MCP_EGRESS_STDIO_SERVER");
        }
        return looksLikeStdioMcpServer(setting);
    }

    static boolean looksLikeStdioMcpServer(String setting) {
        return looksLikeStdioMcpServer(setting, System.getProperty("sun.java.command", ""),
                fdTarget(0), fdTarget(1));
    }

    /**
     * The pure decision.
     *
     * @param setting     true / false / auto / null
     * @param command     the JVM's command line (main class or jar and arguments)
     * @param stdinTarget what {@code /proc/self/fd/0} points to, or {@code null} when unknown
     * @param stdoutTarget what {@code /proc/self/fd/1} points to, or {@code null} when unknown
     */
    static boolean looksLikeStdioMcpServer(String setting, String command, String stdinTarget, String stdoutTarget) {
        String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        if (command != null && command.toLowerCase(Locale.ROOT).contains("stdio")) {
            return true;
        }
        return isPipe(stdinTarget) && isPipe(stdoutTarget);
    }

    private static boolean isPipe(String target) {
        return target != null && (target.startsWith("pipe:") || target.startsWith("socket:"));
    }

    private static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }
}
