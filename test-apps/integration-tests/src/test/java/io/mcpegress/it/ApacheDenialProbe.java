package io.mcpegress.it;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ContractRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs in the child JVM of {@link ApachePolicyIT}, on a test app's class path: every adapter there
 * calls {@code <base>/s/policy.<adapter>.<sync|async>/ok} once blocking and once asynchronously, and
 * the outcome of each call is written as one line {@code <adapter> <sync|async> <outcome>}.
 */
public final class ApacheDenialProbe {

    private ApacheDenialProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        String base = args[1];
        List<String> lines = new ArrayList<>();
        for (ClientAdapter adapter : ServiceLoader.load(ClientAdapter.class)) {
            String sync = base + "/s/policy." + adapter.name() + ".sync/ok";
            String async = base + "/s/policy." + adapter.name() + ".async/ok";
            lines.add(adapter.name() + " sync " + outcome(() -> adapter.execute(ContractRequest.get(sync)).status()));
            lines.add(adapter.name() + " async " + outcome(() ->
                    adapter.executeAsync(ContractRequest.get(async)).get(30, TimeUnit.SECONDS).status()));
            adapter.close();
        }
        Files.write(results, lines);
    }

    private static String outcome(Callable<Integer> call) {
        try {
            return "status " + call.call();
        } catch (Throwable t) {
            Throwable e = t;
            while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
                e = e.getCause();
            }
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
