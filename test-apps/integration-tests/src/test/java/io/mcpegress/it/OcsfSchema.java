package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Validates events against the OCSF schema files (the repository's {@code events/}, {@code objects/},
 * {@code profiles/}, {@code dictionary.json}, {@code categories.json}) as the schema server
 * compiles them: a class is its {@code extends} chain merged child over parent, with the attributes
 * of {@code $include}d profile files; an attribute's type, array-ness and enum come from the
 * dictionary, refined by the class or object. Profile attributes count only when the event names
 * the profile in {@code metadata.profiles}. Checked: every attribute is defined (except inside
 * {@code unmapped} and attributes of type {@code object}/{@code json_t}), required attributes are
 * present, values have the attribute's type (recursively for objects; regex, range and max length
 * of dictionary types), {@code _id} enums hold a defined value, {@code at_least_one}/{@code just_one}
 * constraints, and {@code class_uid}, {@code category_uid} and {@code type_uid} agree.
 */
final class OcsfSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final JsonNode dictionary;
    private final JsonNode types;
    private final JsonNode categories;
    private final Map<String, Path> classFiles = new LinkedHashMap<>();
    private final Map<String, Compiled> compiled = new LinkedHashMap<>();

    /** An attribute as compiled into a class or object. */
    record Attr(String name, String type, boolean array, String requirement, Set<String> enumValues, String profile) {
    }

    record Compiled(String name, int uid, String category, Map<String, Attr> attrs, JsonNode constraints) {
    }

    OcsfSchema(Path root) {
        this.root = root;
        this.dictionary = read(root.resolve("dictionary.json"));
        this.types = dictionary.path("types").path("attributes");
        this.categories = read(root.resolve("categories.json")).path("attributes");
        try (Stream<Path> files = Files.walk(root.resolve("events"))) {
            files.filter(p -> p.toString().endsWith(".json")).forEach(p -> classFiles.put(read(p).path("name").asText(), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String version() {
        return read(root.resolve("version.json")).path("version").asText();
    }

    /** Every violation of {@code event}, as {@code path: message}; empty when valid. */
    List<String> validate(JsonNode event) {
        List<String> errors = new ArrayList<>();
        int classUid = event.path("class_uid").asInt(-1);
        Compiled cls = classFiles.keySet().stream().map(this::eventClass).filter(c -> c.uid() == classUid).findFirst().orElse(null);
        if (cls == null) {
            errors.add("class_uid: " + classUid + " is not a class of this schema");
            return errors;
        }
        Set<String> profiles = new HashSet<>();
        event.path("metadata").path("profiles").forEach(p -> profiles.add(p.asText()));
        checkObject("", event, cls, profiles, errors);
        int categoryUid = categories.path(cls.category()).path("uid").asInt(-2);
        if (event.path("category_uid").asInt() != categoryUid) {
            errors.add("category_uid: " + event.path("category_uid") + ", the class " + cls.name() + " is in category " + categoryUid);
        }
        long typeUid = classUid * 100L + event.path("activity_id").asLong();
        if (event.path("type_uid").asLong() != typeUid) {
            errors.add("type_uid: " + event.path("type_uid") + ", expected class_uid*100+activity_id = " + typeUid);
        }
        return errors;
    }

    private void checkObject(String path, JsonNode value, Compiled def, Set<String> profiles, List<String> errors) {
        if (!value.isObject()) {
            errors.add(path + ": expected an object " + def.name() + ", got " + value.getNodeType());
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            Attr a = def.attrs().get(f.getKey());
            if (a == null) {
                errors.add(p + ": not an attribute of " + def.name());
            } else if (a.profile() != null && !profiles.contains(a.profile())) {
                errors.add(p + ": belongs to profile " + a.profile() + ", which metadata.profiles does not declare");
            } else {
                checkValue(p, f.getValue(), a, profiles, errors);
            }
        }
        for (Attr a : def.attrs().values()) {
            if ("required".equals(a.requirement()) && (a.profile() == null || profiles.contains(a.profile()))
                    && (!value.has(a.name()) || value.get(a.name()).isNull())) {
                errors.add((path.isEmpty() ? "" : path + ".") + a.name() + ": required by " + def.name() + " but missing");
            }
        }
        JsonNode c = def.constraints();
        if (c != null) {
            for (String kind : List.of("at_least_one", "just_one")) {
                if (c.has(kind)) {
                    long present = 0;
                    for (JsonNode n : c.get(kind)) {
                        present += value.has(n.asText()) ? 1 : 0;
                    }
                    if (present == 0 || (kind.equals("just_one") && present > 1)) {
                        errors.add(path + ": constraint " + kind + " of " + c.get(kind) + " in " + def.name() + " not met");
                    }
                }
            }
        }
    }

    private void checkValue(String path, JsonNode v, Attr a, Set<String> profiles, List<String> errors) {
        if (a.array()) {
            if (!v.isArray()) {
                errors.add(path + ": expected an array of " + a.type());
                return;
            }
            for (int i = 0; i < v.size(); i++) {
                checkSingle(path + "[" + i + "]", v.get(i), a, profiles, errors);
            }
        } else if (v.isArray()) {
            errors.add(path + ": not an array attribute (" + a.type() + ")");
        } else {
            checkSingle(path, v, a, profiles, errors);
        }
    }

    private void checkSingle(String path, JsonNode v, Attr a, Set<String> profiles, List<String> errors) {
        String type = a.type();
        if (type.equals("object") || type.equals("json_t")) {
            return; // free-form by definition (unmapped, xattributes, ...)
        }
        if (!type.endsWith("_t")) {
            checkObject(path, v, object(type), profiles, errors);
            return;
        }
        checkPrimitive(path, v, type, errors);
        // base_event lists only 0 for class_uid and category_uid: the compiled class sets its own (checked in validate)
        boolean classIds = path.equals("class_uid") || path.equals("category_uid");
        if (!classIds && a.enumValues() != null && !a.enumValues().isEmpty() && !a.enumValues().contains(v.asText())) {
            errors.add(path + ": " + v + " is not one of the enum values " + a.enumValues());
        }
    }

    private void checkPrimitive(String path, JsonNode v, String type, List<String> errors) {
        JsonNode t = types.path(type);
        if (t.isMissingNode()) {
            errors.add(path + ": unknown type " + type);
            return;
        }
        String base = t.has("type") ? t.get("type").asText() : type;
        boolean ok = switch (base) {
            case "string_t" -> v.isTextual();
            case "integer_t", "long_t" -> v.isIntegralNumber();
            case "float_t" -> v.isNumber();
            case "boolean_t" -> v.isBoolean();
            default -> true;
        };
        if (!ok) {
            errors.add(path + ": " + v + " is not of type " + type + (base.equals(type) ? "" : " (" + base + ")"));
            return;
        }
        if (t.has("regex") && !Pattern.compile(t.get("regex").asText()).matcher(v.asText()).find()) {
            errors.add(path + ": " + v + " does not match the " + type + " pattern");
        }
        if (t.has("range") && (v.asLong() < t.get("range").get(0).asLong() || v.asLong() > t.get("range").get(1).asLong())) {
            errors.add(path + ": " + v + " outside the range of " + type + " " + t.get("range"));
        }
        if (t.has("max_len") && v.asText().length() > t.get("max_len").asInt()) {
            errors.add(path + ": longer than " + t.get("max_len") + " characters (" + type + ")");
        }
    }

    /** An event class by name, its extends chain and includes resolved. */
    Compiled eventClass(String name) {
        return compiled.computeIfAbsent("class:" + name, k -> compile(classFiles.get(name), "events"));
    }

    private Compiled object(String name) {
        return compiled.computeIfAbsent("object:" + name, k -> compile(root.resolve("objects").resolve(name + ".json"), "objects"));
    }

    private Compiled compile(Path file, String kind) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new IllegalStateException("no " + kind + " definition " + file);
        }
        // the chain, root first
        List<JsonNode> chain = new ArrayList<>();
        JsonNode def = read(file);
        while (def != null) {
            chain.add(0, def);
            String parent = def.path("extends").asText(null);
            def = parent == null ? null : read(kind.equals("events") ? classFiles.get(parent) : root.resolve("objects").resolve(parent + ".json"));
        }
        Map<String, ObjectNode> merged = new LinkedHashMap<>();
        Map<String, String> profileOf = new LinkedHashMap<>();
        String category = null;
        JsonNode constraints = null;
        for (JsonNode d : chain) {
            JsonNode attrs = d.path("attributes");
            for (JsonNode inc : attrs.path("$include")) {
                JsonNode included = read(root.resolve(inc.asText()));
                String profile = "profile".equals(included.path("meta").asText()) ? included.path("name").asText() : null;
                included.path("attributes").fields().forEachRemaining(f -> {
                    merge(merged, f.getKey(), f.getValue());
                    if (profile != null) {
                        profileOf.putIfAbsent(f.getKey(), profile);
                    }
                });
            }
            attrs.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("$include")) {
                    merge(merged, f.getKey(), f.getValue());
                }
            });
            if (d.has("category")) {
                category = d.get("category").asText();
            }
            if (d.has("constraints")) {
                constraints = d.get("constraints");
            }
        }
        JsonNode leaf = chain.get(chain.size() - 1);
        int uid = -1;
        if (kind.equals("events") && leaf.has("uid")) {
            uid = categories.path(category).path("uid").asInt() * 1000 + leaf.get("uid").asInt();
        }
        Map<String, Attr> attrs = new LinkedHashMap<>();
        JsonNode dict = dictionary.path("attributes");
        for (Map.Entry<String, ObjectNode> e : merged.entrySet()) {
            JsonNode d = dict.path(e.getKey());
            JsonNode local = e.getValue();
            String type = local.has("type") ? local.get("type").asText() : d.path("type").asText(null);
            if (type == null) {
                throw new IllegalStateException(e.getKey() + " of " + leaf.path("name").asText() + " has no type in the dictionary");
            }
            Set<String> enumValues = new HashSet<>();
            d.path("enum").fieldNames().forEachRemaining(enumValues::add);
            local.path("enum").fieldNames().forEachRemaining(enumValues::add);
            boolean array = local.has("is_array") ? local.get("is_array").asBoolean() : d.path("is_array").asBoolean(false);
            attrs.put(e.getKey(), new Attr(e.getKey(), type, array, local.path("requirement").asText(d.path("requirement").asText(null)),
                    enumValues, profileOf.get(e.getKey())));
        }
        return new Compiled(leaf.path("name").asText(), uid, category, attrs, constraints);
    }

    /** Child definitions refine the parent's: keys override, enums add up. */
    private static void merge(Map<String, ObjectNode> merged, String name, JsonNode def) {
        ObjectNode target = merged.computeIfAbsent(name, k -> JSON.createObjectNode());
        def.fields().forEachRemaining(f -> {
            if (f.getKey().equals("enum") && target.has("enum")) {
                ((ObjectNode) target.get("enum")).setAll((ObjectNode) f.getValue());
            } else {
                target.set(f.getKey(), f.getValue().deepCopy());
            }
        });
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
