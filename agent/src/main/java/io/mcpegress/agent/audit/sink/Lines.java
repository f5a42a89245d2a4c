package io.mcpegress.agent.audit.sink;

/** Encoded events arrive as lines; sinks that frame them themselves drop the line end. */
final class Lines {

    private Lines() {
    }

    /** The end index of {@code line[offset, offset + length)} without trailing {@code \n}/{@code \r}. */
    static int endWithoutNewline(byte[] line, int offset, int length) {
        int end = offset + length;
        while (end > offset && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
            end--;
        }
        return end;
    }
}
