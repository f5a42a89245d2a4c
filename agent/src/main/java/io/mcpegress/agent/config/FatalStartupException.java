package io.mcpegress.agent.config;

/**
 * Thrown out of the installer when the JVM must not start. The premain class recognises it by
 * name, prints its one-line message to stderr and exits.
 */
public final class FatalStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FatalStartupException(String message) {
        super(message);
    }
}
