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
 * Runs in a child JVM on a test app's class path: every {@link ClientAdapter} there calls each URL
 * once blocking and once asynchronously. A {@code {id}} in a URL is replaced by
 * {@code <adapter>.<sync|async>} so each call has its own scenario at the destination. Writes one
 * line per call: {@code <adapter> <sync|async> <url> -> <outcome>}, where the outcome is
 * {@code status N} or the exception the application saw (futures unwrapped), with the
 * {@code EgressDeniedException} found in its causes, if any, appended as {@code [cause ...]}.
 * Args: {@code <results-file> <url>...}.
 */
public final class PolicyProbe {

    private PolicyProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        List<String> lines = new ArrayList<>();
        for (ClientAdapter adapter : ServiceLoader.load(ClientAdapter.class)) {
            for (int i = 1; i < args.length; i++) {
                String sync = args[i].replace("{id}", adapter.name() + ".sync");
                String async = args[i].replace("{id}", adapter.name() + ".async");
                lines.add(adapter.name() + " sync " + sync + " -> "
                        + outcome(() -> adapter.execute(ContractRequest.get(sync)).status()));
                lines.add(adapter.name() + " async " + async + " -> " + outcome(() ->
                        adapter.executeAsync(ContractRequest.get(async)).get(30, TimeUnit.SECONDS).status()));
            }
            adapter.close();
        }
        Files.write(results, lines);
    }

    static String outcome(Callable<Integer> call) {
        try {
            return "status " + call.call();
        } catch (Throwable t) {
            Throwable e = t;
            while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
                e = e.getCause();
            }
            String seen = e.getClass().getName() + ": " + e.getMessage();
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c.getClass().getName().equals("io.mcpegress.bootstrap.EgressDeniedException")) {
                    return seen + " [cause " + c.getClass().getName() + ": " + c.getMessage() + "]";
                }
            }
            return seen;
        }
    }
}
