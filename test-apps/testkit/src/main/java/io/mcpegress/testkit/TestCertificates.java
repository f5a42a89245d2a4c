package io.mcpegress.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed server certificate for {@code CN=localhost} (SAN {@code ip:127.0.0.1,dns:localhost})
 * generated once per JVM with the running JDK's own {@code keytool}.
 *
 * <p>Why keytool instead of checked-in keystores: nothing expires, no binary files in the repo,
 * and no BouncyCastle dependency. Child JVMs trust it via {@link #trustStoreSystemProperties()}.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";
    public static final String STORE_TYPE = "PKCS12";
    public static final String ALIAS = "server";

    private static TestCertificates instance;

    private final Path directory;
    private final Path keyStore;
    private final Path trustStore;
    private final Path certificatePem;

    private TestCertificates(Path directory) {
        this.directory = directory;
        this.keyStore = directory.resolve("server-keystore.p12");
        this.trustStore = directory.resolve("truststore.p12");
        this.certificatePem = directory.resolve("server.crt");
    }

    /** The per-JVM certificates, generated on first use. */
    public static synchronized TestCertificates get() {
        if (instance == null) {
            instance = generate();
        }
        return instance;
    }

    private static TestCertificates generate() {
        Path dir;
        try {
            dir = Files.createTempDirectory("mcp-egress-certs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCertificates certs = new TestCertificates(dir);
        keytool(dir, "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "3650", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", certs.keyStore.toString(), "-storetype", STORE_TYPE,
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool(dir, "-exportcert", "-rfc", "-alias", ALIAS,
                "-keystore", certs.keyStore.toString(), "-storetype", STORE_TYPE, "-storepass", PASSWORD,
                "-file", certs.certificatePem.toString());
        keytool(dir, "-importcert", "-noprompt", "-alias", ALIAS, "-file", certs.certificatePem.toString(),
                "-keystore", certs.trustStore.toString(), "-storetype", STORE_TYPE, "-storepass", PASSWORD);
        Runtime.getRuntime().addShutdownHook(
                new Thread(() -> SquidProxy.deleteRecursively(dir), "test-certificates-cleanup"));
        return certs;
    }

    private static void keytool(Path dir, String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        Path output = dir.resolve("keytool.out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool timed out: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (exit " + process.exitValue() + "): " + command
                        + "\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + keytool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path directory() {
        return directory;
    }

    /** PKCS12 with the server key + certificate (alias "server"). */
    public Path keyStore() {
        return keyStore;
    }

    /** PKCS12 containing only the server certificate as a trusted entry. */
    public Path trustStore() {
        return trustStore;
    }

    /** The server certificate, PEM encoded. */
    public Path certificatePem() {
        return certificatePem;
    }

    public String password() {
        return PASSWORD;
    }

    public String storeType() {
        return STORE_TYPE;
    }

    /** A client SSLContext that trusts (only) the test certificate. */
    public SSLContext clientSslContext() {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore ks = KeyStore.getInstance(STORE_TYPE);
            ks.load(in, PASSWORD.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code javax.net.ssl.trustStore*} properties that make a child JVM trust the test certificate. */
    public Map<String, String> trustStoreSystemProperties() {
        return Map.of(
                "javax.net.ssl.trustStore", trustStore.toString(),
                "javax.net.ssl.trustStorePassword", PASSWORD,
                "javax.net.ssl.trustStoreType", STORE_TYPE);
    }
}
