package io.mcpegress.apps.conflicts;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import org.yaml.snakeyaml.Yaml;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Uses its own ByteBuddy, Jackson and SnakeYAML, reports which versions it got, then makes one
 * HTTP call. Args: {@code <url> <results-file>}.
 */
public final class ConflictingLibsApp {

    private ConflictingLibsApp() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> report = new TreeMap<>();
        ObjectMapper mapper = new ObjectMapper();
        report.put("jackson", mapper.version().toString());
        report.put("json", mapper.writeValueAsString(Map.of("a", List.of(1, 2))));

        Class<?> generated = new ByteBuddy().subclass(Object.class)
                .method(named("toString")).intercept(FixedValue.value("made by the app's ByteBuddy"))
                .make().load(ConflictingLibsApp.class.getClassLoader()).getLoaded();
        String jar = ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        report.put("bytebuddy", jar.substring(jar.lastIndexOf('/') + 1));
        report.put("generated", generated.getDeclaredConstructor().newInstance().toString());

        report.put("yaml", new Yaml().load("k: [x, y]").toString());

        int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(args[0])).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        report.put("status", status);
        Files.writeString(Path.of(args[1]), mapper.writeValueAsString(report));
    }
}
