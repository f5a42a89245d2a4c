package io.mcpegress.it;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ContractRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Runs in a child JVM of {@link RateLimitIT}: inside an MCP {@code tools/call} for each tool named
 * in the args (set on the thread the way the MCP SDK instrumentation does, through the bootstrap
 * {@code McpContextHolder}), the adapter named by {@code probe.adapter} calls
 * {@code <base>/s/<run>.<tool>.<n>/ok} three times. One line per call: {@code <tool> <n> -> <outcome>}.
 * Args: {@code <results-file> <base-url> <run> <tool>...}.
 */
public final class ToolRateLimitProbe {

    private ToolRateLimitProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        String base = args[1];
        String run = args[2];
        String wanted = System.getProperty("probe.adapter");
        Class<?> contextType = Class.forName("io.mcpegress.bootstrap.McpContext", true, null);
        Class<?> holder = Class.forName("io.mcpegress.bootstrap.McpContextHolder", true, null);
        List<String> lines = new ArrayList<>();
        for (ClientAdapter adapter : ServiceLoader.load(ClientAdapter.class)) {
            if (!adapter.name().equals(wanted)) {
                adapter.close();
                continue;
            }
            for (int t = 3; t < args.length; t++) {
                String tool = args[t];
                Object context = contextType.getMethod("forRequest", String.class, Object.class, Object.class,
                        String.class, String.class, String.class)
                        .invoke(null, "tools/call", t, Map.of("name", tool), null, null, null);
                Object previous = holder.getMethod("set", contextType).invoke(null, context);
                try {
                    for (int n = 1; n <= 3; n++) {
                        String url = base + "/s/" + run + "." + tool + "." + n + "/ok";
                        lines.add(tool + " " + n + " -> "
                                + PolicyProbe.outcome(() -> adapter.execute(ContractRequest.get(url)).status()));
                    }
                } finally {
                    holder.getMethod("restore", contextType).invoke(null, previous);
                }
            }
            adapter.close();
        }
        Files.write(results, lines);
    }
}
