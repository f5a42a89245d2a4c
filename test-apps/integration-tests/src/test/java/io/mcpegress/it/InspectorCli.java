package io.mcpegress.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The real MCP Inspector CLI from npm, installed once under {@code target/} for the MCP integration tests. */
final class InspectorCli {

    static final String PACKAGE = "@modelcontextprotocol/inspector-cli@1.0.3";

    private InspectorCli() {
    }

    /** Installs the CLI under target/ unless it is there; returns its build directory (with index.js). */
    static synchronized Path install() throws Exception {
        Path prefix = Path.of("target/mcp-inspector").toAbsolutePath();
        Path build = prefix.resolve("node_modules/@modelcontextprotocol/inspector-cli/build");
        if (!Files.isRegularFile(build.resolve("index.js"))) {
            Files.createDirectories(prefix);
            Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), PACKAGE)
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("npm-install.log").toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("npm install " + PACKAGE + " failed:\n"
                        + Files.readString(prefix.resolve("npm-install.log")));
            }
        }
        return build;
    }
}
