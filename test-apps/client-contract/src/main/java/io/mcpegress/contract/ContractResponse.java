package io.mcpegress.contract;

/** What the application saw. {@code protocol} is "HTTP/1.1" or "HTTP/2" where the library tells. */
public record ContractResponse(int status, String body, String protocol) {
}
