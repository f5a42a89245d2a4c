package io.mcpegress.contract;

import io.mcpegress.contract.ClientOptions.ProxyChoice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The contract every client adapter runs under the agent. Each scenario's URL starts with
 * {@code /s/<adapter>.<scenario>/}, so the target server and the audit events can both be matched
 * to it. What the integration tests then assert about each one is in {@code ClientContractIT}.
 */
public enum Scenario {

    GET_HTTP("get-http") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/ok"))));
        }
    },
    GET_HTTPS("get-https") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.https("/ok"))));
        }
    },
    NO_PROXY_HTTP("no-proxy-http") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/ok")).withOptions(NO_PROXY)));
        }
    },
    NO_PROXY_HTTPS("no-proxy-https") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.https("/ok")).withOptions(NO_PROXY)));
        }
    },
    DIRECT_SELECTOR_HTTP("direct-selector-http") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/ok")).withOptions(DIRECT_SELECTOR)));
        }
    },
    DIRECT_SELECTOR_HTTPS("direct-selector-https") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.https("/ok")).withOptions(DIRECT_SELECTOR)));
        }
    },
    REDIRECT_1("redirect-1") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/redirect/1"))));
        }
    },
    REDIRECT_3_HTTPS("redirect-3-https") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.https("/redirect/3"))));
        }
    },
    REDIRECT_CIRCULAR("redirect-circular") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/circular/a"))));
        }
    },
    POST_BODY("post-body") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            ContractResponse r = c.execute(new ContractRequest("POST", u.http("/echo"), "hello contract",
                    Map.of("Content-Type", "text/plain"), ClientOptions.DEFAULT));
            return Outcome.of(r);
        }
    },
    STATUS_404("status-404") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/status/404"))));
        }
    },
    STATUS_500_HTTPS("status-500-https") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.https("/status/500"))));
        }
    },
    /** Nothing listens there: through a proxy the failure comes back as the proxy's answer. */
    REFUSED("refused") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.refused("/ok"))));
        }
    },
    READ_TIMEOUT("read-timeout") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/delay/3000"))
                    .withOptions(new ClientOptions(ProxyChoice.DEFAULT, 500))));
        }
    },
    REUSE_3("reuse-3") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            ContractRequest same = ContractRequest.get(u.http("/ok"));
            ContractResponse last = null;
            for (int i = 0; i < 3; i++) {
                last = c.execute(same);
            }
            return Outcome.of(last).calls(3);
        }
    },
    CONCURRENT_50("concurrent-50") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            try {
                List<Future<ContractResponse>> futures = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String url = u.http("/ok?n=" + i);
                    futures.add(pool.submit(() -> c.execute(ContractRequest.get(url))));
                }
                int ok = 0;
                for (Future<ContractResponse> f : futures) {
                    if (f.get(30, TimeUnit.SECONDS).status() == 200) {
                        ok++;
                    }
                }
                return new Outcome(ok == 50 ? 200 : 0, null, null, 50, ok == 50 ? null : ok + " of 50 succeeded");
            } finally {
                pool.shutdownNow();
            }
        }
    },
    ASYNC_HTTPS("async-https") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            CompletableFuture<ContractResponse> f = c.executeAsync(ContractRequest.get(u.https("/ok")));
            return Outcome.of(f.get(30, TimeUnit.SECONDS));
        }
    },
    ASYNC_NO_PROXY_HTTP("async-no-proxy-http") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            CompletableFuture<ContractResponse> f = c.executeAsync(ContractRequest.get(u.http("/ok")).withOptions(NO_PROXY));
            return Outcome.of(f.get(30, TimeUnit.SECONDS));
        }
    },
    /** Secrets in the query and in headers must not reach the audit log. */
    SECRETS("secrets") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.http("/ok?token=" + SECRET_QUERY + "&page=2"))
                    .withHeaders(Map.of("Authorization", "Bearer " + SECRET_HEADER, "X-Api-Key", SECRET_HEADER))));
        }
    },
    /** On the bypass list (the integration tests bypass "localhost"): goes direct, audited as direct. */
    BYPASS("bypass") {
        @Override
        Outcome run(ClientAdapter c, Urls u) throws Exception {
            return Outcome.of(c.execute(ContractRequest.get(u.httpLocalhost("/ok"))));
        }
    };

    public static final String SECRET_QUERY = "q-s3cr3t-9f2a";
    public static final String SECRET_HEADER = "h-s3cr3t-77b1";

    private static final ClientOptions NO_PROXY = new ClientOptions(ProxyChoice.NO_PROXY, 0);
    private static final ClientOptions DIRECT_SELECTOR = new ClientOptions(ProxyChoice.DIRECT_SELECTOR, 0);

    private final String id;

    Scenario(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    abstract Outcome run(ClientAdapter client, Urls urls) throws Exception;

    /** The URLs of one scenario run, all under its own path prefix. */
    record Urls(String httpBase, String httpsBase, String localhostBase, String refusedBase, String prefix) {
        String http(String path) {
            return httpBase + prefix + path;
        }

        String https(String path) {
            return httpsBase + prefix + path;
        }

        String httpLocalhost(String path) {
            return localhostBase + prefix + path;
        }

        String refused(String path) {
            return refusedBase + prefix + path;
        }
    }

    /** What happened, as recorded in the results file. */
    record Outcome(int status, String protocol, String body, int calls, String error) {
        static Outcome of(ContractResponse r) {
            return new Outcome(r.status(), r.protocol(), r.body(), 1, null);
        }

        static Outcome failed(Throwable t) {
            return new Outcome(0, null, null, 1, t.getClass().getName() + ": " + t.getMessage());
        }

        Outcome calls(int n) {
            return new Outcome(status, protocol, body, n, error);
        }
    }
}
