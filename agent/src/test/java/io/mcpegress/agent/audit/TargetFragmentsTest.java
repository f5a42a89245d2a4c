package io.mcpegress.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetFragmentsTest {

    private static final byte[] URL = JsonLineWriter.name("url");

    private final TargetFragments fragments = new TargetFragments();
    private int writes;

    /** Writes the URL as one field and counts how often it had to. */
    private class Counting implements TargetFragments.FragmentWriter {
        @Override
        public void writeUrlFields(JsonLineWriter g, RequestTarget t) {
            writes++;
            g.string(URL, t.full());
        }

        @Override
        public void writeDestinationFields(JsonLineWriter g, RequestTarget t) {
            throw new AssertionError("not used here");
        }
    }

    private final TargetFragments.FragmentWriter counting = new Counting();

    private String line(RequestTarget t, TargetFragments.FragmentWriter writer) {
        LineBuffer buffer = new LineBuffer();
        JsonLineWriter g = new JsonLineWriter(buffer).startLine();
        g.string(JsonLineWriter.name("before"), "x");
        fragments.select(t);
        fragments.writeUrl(g, t, writer);
        g.string(JsonLineWriter.name("after"), "y");
        g.endLine();
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static RequestTarget target(String query) {
        return RequestTarget.create("https", "api.example.com", -1, "/v1/search", query, null);
    }

    @Test
    void anEqualTargetBuiltAnewIsKeptOnItsSecondLineAndCopiedInAfterThat() {
        String first = line(target("q=mcp&api_key=one"), counting);
        String second = line(target("q=mcp&api_key=one"), counting);
        assertThat(writes).as("admitted on the second line, not the first").isEqualTo(2);
        String third = line(target("q=mcp&api_key=one"), counting);
        String fourth = line(target("q=mcp&api_key=one"), counting);

        assertThat(writes).isEqualTo(2);
        assertThat(List.of(second, third, fourth)).containsOnly(first);
        assertThat(first).isEqualTo(
                "{\"before\":\"x\",\"url\":\"https://api.example.com/v1/search?q=mcp&api_key=REDACTED\",\"after\":\"y\"}\n");
    }

    @Test
    void aTargetCalledOnceIsNeverKept() {
        for (int i = 0; i < 3; i++) {
            line(target("page=" + i), counting);
        }
        line(target("page=0"), counting); // its slot still held page=0: now seen twice, kept
        line(target("page=0"), counting);

        assertThat(writes).isEqualTo(4);
    }

    @Test
    void theDestinationIsKeptPerHostAndPortWhateverThePath() {
        int[] destinationWrites = new int[1];
        TargetFragments.FragmentWriter writer = new Counting() {
            @Override
            public void writeDestinationFields(JsonLineWriter g, RequestTarget t) {
                destinationWrites[0]++;
                g.string(URL, t.host() + ":" + t.port());
            }
        };
        List<String> lines = new java.util.ArrayList<>();
        for (String path : new String[] {"/a", "/b", "/c"}) {
            RequestTarget t = RequestTarget.create("https", "api.example.com", -1, path, null, null);
            LineBuffer buffer = new LineBuffer();
            JsonLineWriter g = new JsonLineWriter(buffer).startLine();
            g.string(JsonLineWriter.name("before"), "x");
            fragments.select(t);
            fragments.writeDestination(g, t, writer);
            g.endLine();
            lines.add(buffer.toString(StandardCharsets.UTF_8));
        }
        RequestTarget other = RequestTarget.create("https", "api.example.com", 8443, "/a", null, null);
        JsonLineWriter g = new JsonLineWriter(new LineBuffer()).startLine();
        fragments.select(other);
        fragments.writeDestination(g, other, writer);

        assertThat(destinationWrites[0]).as("once for port 443, once for 8443").isEqualTo(2);
        assertThat(lines).containsOnly("{\"before\":\"x\",\"url\":\"api.example.com:443\"}\n");
    }

    @Test
    void anotherQueryPortOrUserIsAnotherDestination() {
        line(target("q=a"), counting);
        line(target("q=b"), counting);
        line(RequestTarget.create("https", "api.example.com", 8443, "/v1/search", "q=b", null), counting);
        line(RequestTarget.create("https", "api.example.com", 8443, "/v1/search", "q=b", "bob"), counting);

        assertThat(writes).isEqualTo(4);
    }

    @Test
    void manyDestinationsKeepAtMostOneTargetPerSlot() {
        for (int i = 0; i < 10 * TargetFragments.SLOTS; i++) {
            String l = line(target("page=" + i), counting);
            assertThat(l).contains("page=" + i + "\"");
        }
        assertThat(writes).isEqualTo(10 * TargetFragments.SLOTS);
    }

    @Test
    void aFragmentWhoseWriterFailedIsNotKept() {
        RequestTarget t = target("q=1");
        assertThatThrownBy(() -> line(t, new Counting() {
            @Override
            public void writeUrlFields(JsonLineWriter g, RequestTarget x) {
                g.string(URL, "half");
                throw new IllegalStateException("writer failed");
            }
        })).isInstanceOf(IllegalStateException.class);

        assertThat(line(t, counting)).contains("\"url\":\"https://api.example.com/v1/search?q=1\"");
        assertThat(writes).isEqualTo(1);
    }
}
