package io.mcpegress.contract;

import java.util.Map;

/** One call: method, absolute URL, optional body and headers, and how the client is configured. */
public record ContractRequest(String method, String url, String body, Map<String, String> headers,
                              ClientOptions options) {

    public static ContractRequest get(String url) {
        return new ContractRequest("GET", url, null, Map.of(), ClientOptions.DEFAULT);
    }

    public ContractRequest withOptions(ClientOptions o) {
        return new ContractRequest(method, url, body, headers, o);
    }

    public ContractRequest withHeaders(Map<String, String> h) {
        return new ContractRequest(method, url, body, h, options);
    }
}
