package io.mcpegress.it;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ContractRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * Runs in a child JVM of {@link HostHeaderIT}: every adapter (except those named in
 * {@code probe.skip}) calls {@code <base>/s/hh.<adapter>.<case>/ok}, blocking and async, once with a
 * {@code Host} header naming {@code <fronted-host>} and once with the URL's own host:port as Host.
 * Args: {@code <results-file> <base-url> <fronted-host> <own-host-header>}.
 */
public final class HostHeaderProbe {

    private HostHeaderProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        String base = args[1];
        List<String> skip = List.of(System.getProperty("probe.skip", "").split(","));
        List<String> lines = new ArrayList<>();
        for (ClientAdapter adapter : ServiceLoader.load(ClientAdapter.class)) {
            if (skip.contains(adapter.name())) {
                adapter.close();
                continue;
            }
            for (String[] c : new String[][] {{"fronted", args[2]}, {"own", args[3]}}) {
                String id = "hh." + adapter.name() + "." + c[0];
                ContractRequest sync = ContractRequest.get(base + "/s/" + id + ".sync/ok").withHeaders(Map.of("Host", c[1]));
                ContractRequest async = ContractRequest.get(base + "/s/" + id + ".async/ok").withHeaders(Map.of("Host", c[1]));
                lines.add(id + ".sync -> " + PolicyProbe.outcome(() -> adapter.execute(sync).status()));
                lines.add(id + ".async -> " + PolicyProbe.outcome(() ->
                        adapter.executeAsync(async).get(30, TimeUnit.SECONDS).status()));
            }
            adapter.close();
        }
        Files.write(results, lines);
    }
}
