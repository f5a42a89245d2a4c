package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ECS field definitions of the official npm package {@code @elastic/ecs} (its {@code EcsFlat}
 * export: every field by dotted name with type and normalization), installed under {@code target/}
 * on first use and read through node. Checks that every leaf of an event is an ECS field with a
 * compatible JSON type, arrays only where ECS normalizes to an array; our documented namespaces are
 * exempt: {@code mcp.*} (custom), and the OpenTelemetry {@code gen_ai.*} / {@code jsonrpc.*}
 * fields when this ECS release does not define them.
 */
final class EcsSchema {

    /** The release matching {@code ecs.version} 8.11.0 in our events (the package has no 8.11.0 build). */
    static final String PACKAGE = "@elastic/ecs@8.11.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STRING_TYPES = Set.of("keyword", "constant_keyword", "wildcard", "text",
            "match_only_text", "date", "ip", "version");
    private static final Set<String> INTEGER_TYPES = Set.of("long", "integer", "short", "byte", "unsigned_long");
    private static final Set<String> NUMBER_TYPES = Set.of("float", "double", "half_float", "scaled_float");

    private final JsonNode fields;
    private final String version;

    private EcsSchema(JsonNode fields, String version) {
        this.fields = fields;
        this.version = version;
    }

    static EcsSchema install() throws IOException, InterruptedException {
        Path prefix = Path.of("target/elastic-ecs").toAbsolutePath();
        Path pkg = prefix.resolve("node_modules/@elastic/ecs");
        if (!Files.isRegularFile(pkg.resolve("package.json"))) {
            Files.createDirectories(prefix);
            Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), PACKAGE)
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("npm-install.log").toFile()).start();
            if (p.waitFor() != 0) {
                throw new AssertionError("npm install " + PACKAGE + " failed:\n" + Files.readString(prefix.resolve("npm-install.log")));
            }
        }
        Path out = prefix.resolve("ecs-flat.json");
        Process node = new ProcessBuilder("node", "-e",
                "const e=require(process.argv[1]);require('fs').writeFileSync(process.argv[2],"
                        + "JSON.stringify({version:e.EcsVersion,fields:e.EcsFlat}))", pkg.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(new File(prefix.resolve("node.log").toString())).start();
        if (node.waitFor() != 0) {
            throw new AssertionError("reading EcsFlat failed: " + Files.readString(prefix.resolve("node.log"), StandardCharsets.UTF_8));
        }
        JsonNode all = JSON.readTree(out.toFile());
        return new EcsSchema(all.get("fields"), all.path("version").asText());
    }

    String version() {
        return version;
    }

    int fieldCount() {
        return fields.size();
    }

    /** Every violation in {@code event}, as {@code field: message}; empty when valid. */
    List<String> validate(JsonNode event) {
        List<String> errors = new ArrayList<>();
        walk("", event, errors);
        return errors;
    }

    private void walk(String prefix, JsonNode node, List<String> errors) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
            JsonNode v = f.getValue();
            JsonNode def = fields.get(name);
            if (def == null && v.isObject()) {
                walk(name, v, errors);
            } else if (def == null) {
                if (!exempt(name)) {
                    errors.add(name + ": not an ECS " + version + " field (and not under mcp.*)");
                }
            } else {
                check(name, v, def, errors);
            }
        }
    }

    /** Our custom namespace, and the OpenTelemetry fields docs/audit-events.md lists. */
    static boolean exempt(String name) {
        return name.startsWith("mcp.") || name.startsWith("gen_ai.") || name.startsWith("jsonrpc.");
    }

    private void check(String name, JsonNode v, JsonNode def, List<String> errors) {
        String type = def.path("type").asText();
        if (v.isArray()) {
            boolean arrayField = false;
            for (JsonNode n : def.path("normalize")) {
                arrayField |= n.asText().equals("array");
            }
            if (!arrayField) {
                errors.add(name + ": an array, but ECS does not normalize " + name + " to an array");
            }
            for (JsonNode e : v) {
                checkScalar(name, e, type, def, errors);
            }
        } else {
            checkScalar(name, v, type, def, errors);
        }
    }

    private static void checkScalar(String name, JsonNode v, String type, JsonNode def, List<String> errors) {
        boolean ok;
        if (STRING_TYPES.contains(type)) {
            ok = v.isTextual();
        } else if (INTEGER_TYPES.contains(type)) {
            ok = v.isIntegralNumber();
        } else if (NUMBER_TYPES.contains(type)) {
            ok = v.isNumber();
        } else if (type.equals("boolean")) {
            ok = v.isBoolean();
        } else {
            ok = v.isObject() && Set.of("object", "flattened", "nested").contains(type);
        }
        if (!ok) {
            errors.add(name + ": " + v + " is not compatible with ECS type " + type);
        }
        if (def.has("allowed_values") && v.isTextual()) {
            boolean allowed = false;
            for (JsonNode a : def.get("allowed_values")) {
                allowed |= a.path("name").asText().equals(v.asText());
            }
            if (!allowed) {
                errors.add(name + ": " + v + " is not an allowed value of " + name);
            }
        }
    }
}
