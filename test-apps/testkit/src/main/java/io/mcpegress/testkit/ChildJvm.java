package io.mcpegress.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * Runs a Java main class in a child JVM (optionally with {@code -javaagent}) and waits for it.
 *
 * <p>Why a child JVM: the agent instruments the JVM it is attached to, so the program under test
 * must run in a fresh JVM with the agent on the command line, exactly like in production.
 *
 * <pre>{@code
 * ChildJvm.Result r = ChildJvm.builder()
 *         .agentJar(agent).agentArgs("config=/tmp/egress.yaml")
 *         .mainClass("io.mcpegress.apps.JdkHttpClientApp").args(target.httpUrl("/"))
 *         .run();
 * }</pre>
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The classpath of the current (test) JVM. Surefire/failsafe usually put a single
     * "surefirebooter*.jar" with a manifest Class-Path on java.class.path; that jar is expanded
     * into its real entries so the child does not depend on the booter jar.
     */
    public static String currentClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (Path.of(entry).getFileName().toString().startsWith("surefirebooter") && entry.endsWith(".jar")) {
                entries.addAll(manifestClassPath(Path.of(entry)));
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> manifestClassPath(Path jar) {
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            Manifest manifest = jarFile.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null || classPath.isBlank()) {
                return List.of(jar.toString());
            }
            List<String> result = new ArrayList<>();
            for (String url : classPath.trim().split("\\s+")) {
                // entries are URLs relative to the booter jar (file:/... in practice)
                URI resolved = jar.toUri().resolve(url);
                result.add(Path.of(resolved).toString());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest of " + jar, e);
        }
    }

    /** Outcome of a finished child JVM. */
    public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {

        /** stdout + stderr, convenient for "contains" assertions. */
        public String output() {
            return stdout + stderr;
        }

        /** Throws an AssertionError with both streams unless the exit code is 0. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("child JVM exited with " + exitCode + "\n" + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit=" + exitCode + " elapsed=" + elapsed.toMillis() + "ms\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr;
        }
    }

    public static final class Builder {
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private Path agentJar;
        private String agentArgs;
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String classpath;
        private String mainClass;
        private final List<String> args = new ArrayList<>();
        private Duration timeout = Duration.ofSeconds(60);
        private Path workingDirectory;

        private Builder() {
        }

        /** JDK/JRE to run; default: the current {@code java.home}. */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome);
            return this;
        }

        /** Agent jar for {@code -javaagent:}; null means no agent. */
        public Builder agentJar(Path agentJar) {
            this.agentJar = agentJar;
            return this;
        }

        /** Options appended as {@code -javaagent:jar=ARGS}. */
        public Builder agentArgs(String agentArgs) {
            this.agentArgs = agentArgs;
            return this;
        }

        /** Extra JVM option, placed before {@code -javaagent}. */
        public Builder jvmArg(String jvmArg) {
            jvmArgs.add(jvmArg);
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        public Builder systemProperties(Map<String, String> properties) {
            systemProperties.putAll(properties);
            return this;
        }

        /** Environment variable added to (or overriding) the inherited environment. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder classpath(List<Path> entries) {
            this.classpath = entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
            return this;
        }

        /** Default: {@link #currentClasspath()}. */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder mainClass(String mainClass) {
            this.mainClass = mainClass;
            return this;
        }

        public Builder mainClass(Class<?> mainClass) {
            return mainClass(mainClass.getName());
        }

        public Builder args(String... args) {
            this.args.addAll(List.of(args));
            return this;
        }

        /** Default 60 s; on expiry the process tree is killed and an AssertionError thrown. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /** The full command line that {@link #run()} executes. */
        public List<String> command() {
            if (mainClass == null) {
                throw new IllegalStateException("mainClass is required");
            }
            if (agentArgs != null && agentJar == null) {
                throw new IllegalStateException("agentArgs given without agentJar");
            }
            List<String> command = new ArrayList<>();
            command.add(javaHome.resolve("bin").resolve("java").toString());
            command.addAll(jvmArgs);
            if (agentJar != null) {
                command.add("-javaagent:" + agentJar + (agentArgs == null ? "" : "=" + agentArgs));
            }
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-cp");
            command.add(classpath != null ? classpath : currentClasspath());
            command.add(mainClass);
            command.addAll(args);
            return command;
        }

        /** Runs the child JVM to completion and returns its result (whatever the exit code). */
        public Result run() {
            List<String> command = command();
            Path outDir;
            try {
                outDir = Files.createTempDirectory("mcp-egress-child-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Files instead of pipes: a chatty child can never block on a full pipe buffer.
            Path stdout = outDir.resolve("stdout.txt");
            Path stderr = outDir.resolve("stderr.txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            if (workingDirectory != null) {
                pb.directory(workingDirectory.toFile());
            }
            long start = System.nanoTime();
            try {
                Process process = pb.start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    killTree(process);
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                    throw new AssertionError("child JVM did not finish within " + timeout + " and was killed"
                            + "\ncommand: " + String.join(" ", command)
                            + "\n" + new Result(-1, read(stdout), read(stderr), elapsed));
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                return new Result(process.exitValue(), read(stdout), read(stderr), elapsed);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start child JVM: " + command, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for child JVM", e);
            } finally {
                SquidProxy.deleteRecursively(outDir);
            }
        }

        private static void killTree(Process process) throws InterruptedException {
            List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(10, TimeUnit.SECONDS);
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        }
    }
}
