package io.mcpegress.agent.audit;

import io.mcpegress.agent.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The HMAC key of the audit hash chain, from an environment variable or a file (the agent's
 * configuration keys, the verifier's {@code --key-env}/{@code --key-file}). Error messages name the
 * variable or file, never the key.
 */
public final class IntegrityKey {

    private IntegrityKey() {
    }

    /** @return the key, or {@code null} when neither source is given */
    public static byte[] load(String envName, String file, Map<String, String> env, String envKey, String fileKey) {
        boolean hasEnv = envName != null && !envName.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasEnv && hasFile) {
            throw ConfigException.invalid(fileKey, file, "unset when " + envKey + " is set (one key source)");
        }
        if (hasEnv) {
            String value = env.get(envName.trim());
            if (value == null || value.isEmpty()) {
                throw ConfigException.invalid(envKey, envName, "name of a set, non-empty environment variable");
            }
            return value.getBytes(StandardCharsets.UTF_8);
        }
        if (hasFile) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(Path.of(file.trim()));
            } catch (IOException | RuntimeException e) {
                throw ConfigException.invalid(fileKey, file, "readable, non-empty file");
            }
            int n = bytes.length;
            while (n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == '\r')) {
                n--;
            }
            if (n == 0) {
                throw ConfigException.invalid(fileKey, file, "readable, non-empty file");
            }
            return Arrays.copyOf(bytes, n);
        }
        return null;
    }
}
