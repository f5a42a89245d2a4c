package io.mcpegress.contract;

/**
 * How the application configured its client.
 *
 * @param proxyChoice       what the application asked for; the agent must route through its proxy anyway
 * @param readTimeoutMillis 0 for the library default
 */
public record ClientOptions(ProxyChoice proxyChoice, int readTimeoutMillis) {

    public enum ProxyChoice {
        /** The library's default (system properties, default selector). */
        DEFAULT,
        /** Explicitly no proxy: {@code Proxy.NO_PROXY}, {@code HttpClient.Builder.NO_PROXY}, ... */
        NO_PROXY,
        /** A custom {@link java.net.ProxySelector} that answers DIRECT for everything. */
        DIRECT_SELECTOR
    }

    public static final ClientOptions DEFAULT = new ClientOptions(ProxyChoice.DEFAULT, 0);
}
