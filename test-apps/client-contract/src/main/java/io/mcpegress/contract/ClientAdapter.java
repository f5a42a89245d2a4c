package io.mcpegress.contract;

import java.util.concurrent.CompletableFuture;

/**
 * One HTTP client library, driven the way an application would drive it. Each adapter builds its
 * clients per {@link ClientOptions} (explicit no-proxy, a custom selector, a read timeout), so the
 * contract can check that the agent overrides whatever the application configured.
 */
public interface ClientAdapter extends AutoCloseable {

    /** Also the expected prefix of {@code mcp.egress.client} in the audit events. */
    String name();

    /** Blocking call; an HTTP error status is a response, not an exception. */
    ContractResponse execute(ContractRequest request) throws Exception;

    /** The library's own asynchronous API (callbacks, futures); a plain executor only if it has none. */
    CompletableFuture<ContractResponse> executeAsync(ContractRequest request);

    /** True when the library negotiates HTTP/2 over TLS by default. */
    default boolean negotiatesHttp2() {
        return false;
    }

    /** Maximum redirect hops the library follows before failing, for the circular-redirect check. */
    int maxRedirects();

    @Override
    default void close() throws Exception {
    }
}
