package io.mcpegress.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reader for the agent's JSON-lines audit file (one JSON object per line).
 *
 * <p>Field access uses dotted paths that work for both ECS nested objects
 * ({@code {"url":{"full":"..."}}}) and literal dotted keys ({@code {"url.full":"..."}}), so tests do
 * not depend on which of the two shapes the writer chose.
 */
public final class AuditLog {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** {@code event.action} of the events the agent writes about itself (lifecycle, not exchanges). */
    private static final java.util.Set<String> AGENT_ACTIONS = java.util.Set.of("agent-start", "agent-heartbeat",
            "config-reload", "agent-shutdown", "audit-dropped", "library-instrumented", "library-unsupported");

    private final Path file;
    private final List<JsonNode> events;
    private final List<JsonNode> agentEvents;

    private AuditLog(Path file, List<JsonNode> all) {
        this.file = file;
        this.events = all.stream().filter(e -> !isAgentEvent(e)).collect(Collectors.toUnmodifiableList());
        this.agentEvents = all.stream().filter(AuditLog::isAgentEvent).collect(Collectors.toUnmodifiableList());
    }

    /**
     * True for an event the agent wrote about itself (start, heartbeat, shutdown, dropped, library),
     * in either schema: ECS {@code event.action}, OCSF {@code unmapped.action} (Application Lifecycle).
     */
    public static boolean isAgentEvent(JsonNode event) {
        String action = action(event);
        return action != null && AGENT_ACTIONS.contains(action);
    }

    /** The agent event's kind: ECS {@code event.action}, or OCSF {@code unmapped.action}. */
    public static String action(JsonNode event) {
        String ecs = text(event, "event.action");
        return ecs != null ? ecs : text(event, "unmapped.action");
    }

    /**
     * Reads the file; a missing file reads as empty. A trailing line without newline is ignored
     * because the writer may be in the middle of appending it.
     */
    public static AuditLog read(Path file) {
        if (!Files.exists(file)) {
            return new AuditLog(file, List.of());
        }
        String content;
        try {
            content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit log " + file, e);
        }
        List<JsonNode> events = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        // the last element is "" when the file ends with '\n', else a possibly partial line
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            try {
                events.add(MAPPER.readTree(line));
            } catch (IOException e) {
                throw new IllegalStateException("invalid JSON on line " + (i + 1) + " of " + file + ": " + line, e);
            }
        }
        return new AuditLog(file, List.copyOf(events));
    }

    /** Polls until the file holds at least {@code n} complete events; AssertionError on timeout. */
    public static AuditLog waitForCount(Path file, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            AuditLog log = read(file);
            if (log.events.size() >= n) {
                return log;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("expected at least " + n + " audit events in " + file + " within "
                        + timeout + " but found " + log.events.size() + ":\n" + log);
            }
            FreePorts.sleep(50);
        }
    }

    public Path file() {
        return file;
    }

    /** The exchange events (HTTP calls and uninstrumented connections), in file order. */
    public List<JsonNode> events() {
        return events;
    }

    /** The agent's own events (lifecycle, heartbeat, dropped, library), in file order. */
    public List<JsonNode> agentEvents() {
        return agentEvents;
    }

    /** The agent's own events with {@code event.action} {@code action}. */
    public List<JsonNode> agentEvents(String action) {
        return agentEvents.stream().filter(e -> action.equals(action(e)))
                .collect(Collectors.toUnmodifiableList());
    }

    public int size() {
        return events.size();
    }

    /** Events whose field at {@code dottedPath} has text value {@code value}. */
    public List<JsonNode> where(String dottedPath, String value) {
        return events.stream()
                .filter(e -> value.equals(text(e, dottedPath)))
                .collect(Collectors.toUnmodifiableList());
    }

    /** Node at a dotted path, or null when absent (nested objects and/or literal dotted keys). */
    public static JsonNode node(JsonNode event, String dottedPath) {
        return resolve(event, dottedPath.split("\\."), 0);
    }

    /** Text of the field at a dotted path; null when absent or JSON null. Numbers/booleans as text. */
    public static String text(JsonNode event, String dottedPath) {
        JsonNode node = node(event, dottedPath);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    /** Numeric value at a dotted path; numeric strings are accepted. Throws when absent. */
    public static long number(JsonNode event, String dottedPath) {
        JsonNode node = node(event, dottedPath);
        if (node == null || node.isNull()) {
            throw new AssertionError("no field '" + dottedPath + "' in audit event " + event);
        }
        if (node.isNumber()) {
            return node.asLong();
        }
        try {
            return Long.parseLong(node.asText().trim());
        } catch (NumberFormatException e) {
            throw new AssertionError("field '" + dottedPath + "' is not a number in audit event " + event);
        }
    }

    /**
     * Tries, at each level, the longest literal key first ("a.b.c", then "a.b", then "a") and
     * descends; so {"url.full":..}, {"url":{"full":..}} and mixes all resolve.
     */
    private static JsonNode resolve(JsonNode node, String[] segments, int from) {
        if (from == segments.length) {
            return node;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        for (int to = segments.length; to > from; to--) {
            String key = String.join(".", java.util.Arrays.copyOfRange(segments, from, to));
            JsonNode child = node.get(key);
            if (child != null) {
                JsonNode found = resolve(child, segments, to);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return events.stream().map(JsonNode::toString).collect(Collectors.joining("\n"));
    }
}
