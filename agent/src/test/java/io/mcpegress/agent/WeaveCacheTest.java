package io.mcpegress.agent;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeaveCacheTest {

    private static final String NAME = "jdk/internal/net/http/HttpClientImpl";
    private static final String SIGNATURE = "jdk-httpclient jdk.internal.net.http.HttpClientImpl SendAdvice on name(equals(send))\n";
    private static final byte[] ORIGINAL = "original class file".getBytes();
    private static final NamedClassWeaver.Woven WOVEN =
            new NamedClassWeaver.Woven("woven class file".getBytes(), List.of("jdk-httpclient", "socket-guard"));

    @TempDir
    Path dir;

    private WeaveCache open() throws IOException {
        return WeaveCache.open(dir.resolve("cache"), fakeAgentJar(dir, "build 1"));
    }

    /** A jar with one entry holding {@code content}, standing for an agent build. */
    static File fakeAgentJar(Path dir, String content) throws IOException {
        return fakeAgentJar(dir, content, null);
    }

    static File fakeAgentJar(Path dir, String content, String zipComment) throws IOException {
        Path jar = dir.resolve("agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            JarEntry entry = new JarEntry("io/mcpegress/agent/Build.class");
            entry.setTime(1_700_000_000_000L); // the same build has the same entry times
            out.putNextEntry(entry);
            out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
            if (zipComment != null) {
                out.setComment(zipComment);
            }
        }
        return jar.toFile();
    }

    @Test
    void aStoredWeaveIsFoundByTheNextStartForTheSameClassFileAndAdvice() throws Exception {
        open().put(NAME, SIGNATURE, ORIGINAL, WOVEN);

        NamedClassWeaver.Woven found = open().get(NAME, SIGNATURE, ORIGINAL.clone());
        assertThat(found).isNotNull();
        assertThat(found.bytes()).isEqualTo(WOVEN.bytes());
        assertThat(found.modules()).containsExactly("jdk-httpclient", "socket-guard");
    }

    @Test
    void anotherClassFileOrOtherAdviceIsAMiss() throws Exception {
        WeaveCache cache = open();
        cache.put(NAME, SIGNATURE, ORIGINAL, WOVEN);

        assertThat(cache.get(NAME, SIGNATURE, "original class filE".getBytes())).isNull(); // another JDK update
        assertThat(cache.get(NAME, SIGNATURE + "x", ORIGINAL)).isNull();                   // another agent's advice
        assertThat(cache.get("jdk/internal/net/http/Exchange", SIGNATURE, ORIGINAL)).isNull();
    }

    @Test
    void anEntryStoredUnderTheRightNameForOtherBytesIsAMiss() throws Exception {
        WeaveCache cache = open();
        byte[] other = "another class file".getBytes();
        cache.put(NAME, SIGNATURE, other, WOVEN);
        Path stored = entries().get(0);
        // as if two class files had the same length and CRC: the stored original is compared byte for byte
        Files.move(stored, stored.resolveSibling(WeaveCache.fileName(NAME, SIGNATURE, ORIGINAL)));

        assertThat(cache.get(NAME, SIGNATURE, ORIGINAL)).isNull();
    }

    @Test
    void aDamagedEntryIsAMissNotAnError() throws Exception {
        WeaveCache cache = open();
        cache.put(NAME, SIGNATURE, ORIGINAL, WOVEN);
        Path entry = entries().get(0);
        byte[] bytes = Files.readAllBytes(entry);

        bytes[bytes.length / 2] ^= 1; // one flipped bit
        Files.write(entry, bytes);
        assertThat(cache.get(NAME, SIGNATURE, ORIGINAL)).isNull();

        Files.write(entry, new byte[] {1, 2, 3}); // cut short
        assertThat(cache.get(NAME, SIGNATURE, ORIGINAL)).isNull();

        cache.put(NAME, SIGNATURE, ORIGINAL, WOVEN); // and the next weave replaces it
        assertThat(cache.get(NAME, SIGNATURE, ORIGINAL)).isNotNull();
    }

    @Test
    void theCacheDirectoryIsCreatedForThisUserAlone() throws Exception {
        open().put(NAME, SIGNATURE, ORIGINAL, WOVEN);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cache")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entries().get(0).getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void aDirectoryOthersMayWriteToIsNotUsed() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("cache"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        WeaveCache cache = open();
        assertThat(cache.enabled()).isFalse();
        cache.put(NAME, SIGNATURE, ORIGINAL, WOVEN);
        assertThat(cache.get(NAME, SIGNATURE, ORIGINAL)).isNull();
        try (Stream<Path> files = Files.list(shared)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aDirectoryOfAnotherUserIsNotUsed() throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("cache"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
        UserPrincipal nobody;
        try {
            nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(theirs, nobody); // needs root, which the CI runs as
        } catch (IOException e) {
            Assumptions.abort("cannot give a directory to another user here: " + e);
            return;
        }

        WeaveCache cache = open();
        assertThat(cache.enabled()).isFalse();
        cache.put(NAME, SIGNATURE, ORIGINAL, WOVEN);
        try (Stream<Path> files = Files.list(theirs)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anUnusableDirectoryTurnsTheCacheOffWithoutFailing() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

        WeaveCache cache = WeaveCache.open(file, fakeAgentJar(dir, "build 1"));
        assertThat(cache.enabled()).isFalse();
        assertThat(cache.warm()).isFalse();
    }

    @Test
    void warmOnlyOnceSomethingIsStoredAndNoRunNeededTheWeaverForALibrary() throws Exception {
        WeaveCache cache = open();
        assertThat(cache.warm()).isFalse();

        cache.put(NAME, SIGNATURE, ORIGINAL, WOVEN);
        assertThat(open().warm()).isTrue();

        cache.uncachedClassWoven();
        assertThat(open().warm()).isFalse();
    }

    @Test
    void namesInTheCachePathKeepOnlyAsciiLettersDigitsAndTheGivenPunctuation() {
        assertThat(WeaveCache.safeSegment("0.1.0-SNAPSHOT_1a2b_25.0.3+9-LTS", "._+-")).isEqualTo("0.1.0-SNAPSHOT_1a2b_25.0.3+9-LTS");
        assertThat(WeaveCache.safeSegment("../x y/ü\\z:+", "._-")).isEqualTo(".._x_y___z__");
        assertThat(WeaveCache.safeSegment("", "._-")).isEmpty();
    }

    @Test
    void anotherAgentBuildUsesAnotherDirectoryEvenWithTheSameSizeAndTime() throws Exception {
        File jar = fakeAgentJar(dir, "build 1");
        long time = jar.lastModified();
        long size = jar.length();
        String first = WeaveCache.buildName(jar);
        assertThat(WeaveCache.buildName(fakeAgentJar(dir, "build 1"))).as("the same build").isEqualTo(first);

        fakeAgentJar(dir, "build 2");
        assertThat(jar.setLastModified(time)).isTrue();
        assertThat(jar.length()).isEqualTo(size);
        assertThat(WeaveCache.buildName(jar)).isNotEqualTo(first).doesNotContain("/");
    }

    @Test
    void theBuildIdIsReadFromTheCentralDirectoryWhateverFollowsIt() throws Exception {
        String plain = WeaveCache.buildName(fakeAgentJar(dir, "build 1"));
        String commented = WeaveCache.buildName(fakeAgentJar(dir, "build 1", "built by CI ".repeat(100)));
        assertThat(commented).as("a zip comment after the directory does not change the build").isEqualTo(plain);
        assertThat(WeaveCache.buildName(fakeAgentJar(dir, "build 2", "built by CI"))).isNotEqualTo(plain);

        Path notAJar = Files.writeString(dir.resolve("not-a.jar"), "plain text, no central directory");
        assertThatThrownBy(() -> WeaveCache.buildName(notAJar.toFile())).isInstanceOf(java.io.IOException.class);
        assertThat(WeaveCache.open(dir.resolve("cache"), notAJar.toFile()))
                .as("an unreadable agent jar leaves the cache off, the start goes on").isSameAs(WeaveCache.NONE);
    }

    @Test
    void aDigestTheBuildStampedIntoTheJarNamesTheBuildWithoutReadingTheJar() throws Exception {
        Path stamped = dir.resolve("stamped");
        Files.createDirectories(stamped.resolve("io/mcpegress/agent"));
        String digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        Files.writeString(stamped.resolve(WeaveCache.BUILD_ID), digest + "\n");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[]{stamped.toUri().toURL()}, null)) {
            assertThat(WeaveCache.stampedDigest(loader)).isEqualTo("9f86d081884c7d65");
            File notAJar = Files.writeString(dir.resolve("not-a.jar"), "never read").toFile();
            assertThat(WeaveCache.buildName(notAJar, WeaveCache.stampedDigest(loader)))
                    .contains("_9f86d081884c7d65_");
        }

        Files.writeString(stamped.resolve(WeaveCache.BUILD_ID), "not a digest");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[]{stamped.toUri().toURL()}, null)) {
            assertThat(WeaveCache.stampedDigest(loader)).as("anything else: the jar is fingerprinted").isNull();
        }
        try (java.net.URLClassLoader empty = new java.net.URLClassLoader(new java.net.URL[0], null)) {
            assertThat(WeaveCache.stampedDigest(empty)).isNull();
        }
    }

    @Test
    void directoriesOfBuildsNoStartUsedForThirtyDaysAreRemoved() throws Exception {
        Path root = dir.resolve("cache");
        Files.createDirectories(root);
        Path stale = Files.createDirectory(root.resolve("0.0.9_old-build"));
        Files.writeString(stale.resolve("java.net.Socket_1_2_3.woven"), "x");
        Path recent = Files.createDirectory(root.resolve("0.1.0_other-jdk"));
        Instant now = Instant.now();
        Files.setLastModifiedTime(stale, FileTime.from(now.minus(WeaveCache.UNUSED_FOR).minus(Duration.ofDays(1))));
        Files.setLastModifiedTime(recent, FileTime.from(now.minus(Duration.ofDays(29))));

        WeaveCache cache = open();
        cache.put(NAME, SIGNATURE, ORIGINAL, WOVEN);

        assertThat(stale).doesNotExist();
        assertThat(recent).isDirectory();
        assertThat(cache.get(NAME, SIGNATURE, ORIGINAL)).isNotNull();
        // the build in use is marked used at each start, so it is never the stale one
        Path inUse = entries().get(0).getParent();
        Files.setLastModifiedTime(inUse, FileTime.from(now.minus(Duration.ofDays(400))));
        open();
        assertThat(Files.getLastModifiedTime(inUse).toInstant()).isAfter(now.minus(Duration.ofMinutes(1)));
    }

    @Test
    void anAgentJarThatCannotBeReadTurnsTheCacheOff() throws Exception {
        assertThat(WeaveCache.open(dir.resolve("cache"), new File(dir.toFile(), "missing.jar")).enabled()).isFalse();
    }

    @Test
    void jdkClassesAndClassesFromJarFilesAreHeldOthersAreNot() throws Exception {
        assertThat(WeaveCache.origin(null, null)).isEqualTo("jdk");
        assertThat(WeaveCache.origin(ClassLoader.getPlatformClassLoader(), null)).isEqualTo("jdk");

        ClassLoader app = ClassLoader.getSystemClassLoader();
        Path jar = Files.write(dir.resolve("okhttp-4.12.0.jar"), new byte[] {1, 2, 3});
        String origin = WeaveCache.origin(app, domainAt(jar.toUri().toURL()));
        assertThat(origin).startsWith("jar " + jar.toAbsolutePath() + " 3 ");
        // the same jar path with other contents (an upgrade in place) is another origin
        Files.write(jar, new byte[] {1, 2, 3, 4});
        assertThat(WeaveCache.origin(app, domainAt(jar.toUri().toURL()))).isNotEqualTo(origin);

        assertThat(WeaveCache.origin(app, domainAt(dir.toUri().toURL()))).as("a classes directory").isNull();
        assertThat(WeaveCache.origin(app, domainAt(dir.resolve("gone.jar").toUri().toURL()))).isNull();
        assertThat(WeaveCache.origin(app, null)).isNull();
        assertThat(WeaveCache.NONE.get(NAME, SIGNATURE, ORIGINAL)).isNull();
    }

    /** Spring Boot's fat jars: the outer file's identity and the nested entry's name, in both URL forms. */
    @Test
    void classesFromAJarNestedInAFatJarAreHeldUnderTheOuterFile() throws Exception {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        Path fat = Files.write(dir.resolve("mcp server.jar"), new byte[] {1, 2, 3, 4, 5});
        String prefix = "jar " + fat.toAbsolutePath() + " 5 " + Files.getLastModifiedTime(fat).toMillis();
        String encoded = fat.toUri().getRawPath(); // "mcp%20server.jar", as Spring Boot writes it

        assertThat(WeaveCache.origin(app, domainAt(new URL(null, "jar:nested:" + encoded + "/!BOOT-INF/lib/okhttp-4.12.0.jar!/", IGNORED))))
                .as("Boot 3.2+").isEqualTo(prefix + " BOOT-INF/lib/okhttp-4.12.0.jar");
        assertThat(WeaveCache.origin(app, domainAt(new URL("jar:" + fat.toUri() + "!/BOOT-INF/lib/okhttp-4.12.0.jar!/"))))
                .as("Boot 2 to 3.1").isEqualTo(prefix + " BOOT-INF/lib/okhttp-4.12.0.jar");
        assertThat(WeaveCache.origin(app, domainAt(new URL(null, "nested:" + encoded + "/!BOOT-INF/classes/", IGNORED))))
                .as("the application's own classes").isEqualTo(prefix + " BOOT-INF/classes");
        assertThat(WeaveCache.origin(app, domainAt(new URL(null, "jar:nested:" + encoded + "/!BOOT-INF/lib/apache.jar!/", IGNORED))))
                .as("another nested jar is another origin").isEqualTo(prefix + " BOOT-INF/lib/apache.jar");

        Files.write(fat, new byte[] {1, 2, 3, 4, 5, 6});
        assertThat(WeaveCache.origin(app, domainAt(new URL(null, "jar:nested:" + encoded + "/!BOOT-INF/lib/okhttp-4.12.0.jar!/", IGNORED))))
                .as("a rebuilt fat jar").startsWith("jar " + fat.toAbsolutePath() + " 6 ");
        assertThat(WeaveCache.origin(app, domainAt(new URL("jar:file:/no/such/app.jar!/BOOT-INF/lib/okhttp.jar!/")))).isNull();
        assertThat(WeaveCache.origin(app, domainAt(new URL("jar:" + fat.toUri() + "!/BOOT-INF/lib/a.jar!/deeper.jar!/"))))
                .as("two levels of nesting").isNull();
        assertThat(WeaveCache.origin(app, domainAt(new URL("jar:" + fat.toUri() + "!/")))).as("no entry").isNull();
    }

    /** Lets tests build URLs of protocols this JVM has no handler for (Spring Boot's "nested:"). */
    private static final java.net.URLStreamHandler IGNORED = new java.net.URLStreamHandler() {
        @Override
        protected java.net.URLConnection openConnection(URL u) {
            throw new UnsupportedOperationException();
        }
    };

    private static ProtectionDomain domainAt(URL location) {
        return new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null);
    }

    private List<Path> entries() throws Exception {
        try (Stream<Path> all = Files.walk(dir.resolve("cache"))) {
            return all.filter(p -> p.toString().endsWith(".woven")).toList();
        }
    }
}
