package io.mcpegress.agent;

import io.mcpegress.agent.policy.PolicyFileCache;
import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.agent.util.CheckedEntry;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URL;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.security.ProtectionDomain;

/**
 * Woven classes kept on disk between runs, so a JVM that starts with the same agent build on the
 * same Java runtime uses the bytes an earlier run wove instead of loading the weaver (ByteBuddy's
 * type pool and matchers and ASM, about 270 classes, most of a first start) to weave them again.
 *
 * <p><b>What it holds.</b> A class's weaving depends on its own bytes, the agent build and the
 * classes the modules' conditions read next to it: for JDK classes the same runtime, for library
 * classes (OkHttp, Apache, the MCP SDK) the same jar. So JDK classes and classes from plain jar
 * files, also nested in a fat jar, are held ({@link #origin}); classes from directories are woven every time.
 * It also holds the parsed form of the policy file ({@link PolicyFileCache}), so a start whose
 * policy is unchanged does not load SnakeYAML either.
 *
 * <p><b>Key.</b> One directory per agent build (version, and checksums of its jar's central directory) and runtime
 * ({@code java.home}, {@code java.vm.version}); in it one file per class, holding the signature it
 * was woven with (origin and advice), the original class file (compared byte for byte on use), the
 * woven class file and a CRC-32C of the whole. Anything that does not match exactly is a miss, and
 * the class is woven as without a cache.
 *
 * <p><b>Trust.</b> The bytes become JDK and library code (and the policy), so the directory must be the process
 * user's alone: created with mode 0700, and not used (one warning) when it belongs to another user
 * or others may write to it. Entries are written to a temporary file and renamed, so two JVMs
 * starting together never read a half-written entry.
 */
final class WeaveCache implements PolicyFileCache.Store {

    /** A cache that never hits and never stores: {@code mcp.egress.weave-cache=none}, or an unusable directory. */
    static final WeaveCache NONE = new WeaveCache(null);

    private static final int MAGIC = 0x4D435743; // "MCWC"
    private static final int FORMAT = 1;
    private static final String SUFFIX = ".woven";
    /** Present once a run of this build wove a class the cache cannot hold: ByteBuddy is needed anyway. */
    private static final String UNCACHED_MARKER = "uncached-classes-woven";

    /** A build's directory that no start has used for this long is deleted by the next start. */
    static final Duration UNUSED_FOR = Duration.ofDays(30);

    private final Path dir;
    private volatile boolean libraryMarked;

    private WeaveCache(Path dir) {
        this.dir = dir;
    }

    /**
     * The cache for this agent build and runtime under {@code root}, or {@link #NONE} when the
     * directory cannot be created or is not safe to load code from (never throws).
     */
    static WeaveCache open(Path root, File agentJar) {
        if (root == null) {
            return NONE;
        }
        try {
            Path checked = ownedDirectory(root);
            if (checked == null) {
                return NONE;
            }
            Path build = ownedDirectory(checked.resolve(buildName(agentJar)));
            if (build == null) {
                return NONE;
            }
            markUsed(build);
            removeUnused(checked, build, Instant.now().minus(UNUSED_FOR));
            return new WeaveCache(build);
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("weave cache " + root + " not used (classes are woven at each start): " + e);
            return NONE;
        }
    }

    /** A build's directory records its last start in its modification time (a read-only cache keeps its own). */
    private static void markUsed(Path build) {
        try {
            Files.setLastModifiedTime(build, FileTime.from(Instant.now()));
        } catch (IOException | RuntimeException e) {
            // read-only: nothing to prune there either
        }
    }

    /**
     * Deletes the directories of other agent builds or runtimes no start has used since
     * {@code before}, so upgrades do not pile up old entries; a start that still wants one weaves
     * its classes again.
     */
    static void removeUnused(Path root, Path keep, Instant before) {
        try (DirectoryStream<Path> builds = Files.newDirectoryStream(root)) {
            for (Path build : builds) {
                if (!build.equals(keep) && Files.isDirectory(build, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(build, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
                    delete(build);
                }
            }
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("weave cache: old entries not removed: " + e);
        }
    }

    private static void delete(Path build) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(build)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(build);
    }

    /**
     * {@code <java.io.tmpdir>/mcp-egress-weave-cache-<uid>}: one per user, by number where there is
     * one (containers often run under a uid without a name, where {@code user.name} is "?").
     */
    static Path defaultRoot() {
        String user;
        try {
            user = String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            user = safeSegment(System.getProperty("user.name", "user"), "._-");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "mcp-egress-weave-cache-" + user);
    }

    /** Agent build and Java runtime, readable, one path segment. */
    static String buildName(File agentJar) throws IOException {
        return buildName(agentJar, stampedDigest(WeaveCache.class.getClassLoader()));
    }

    /** With the digest the build stamped into the jar, or null to fingerprint the jar's contents. */
    static String buildName(File agentJar, String stampedDigest) throws IOException {
        String build = stampedDigest != null ? stampedDigest : Long.toHexString(contentsOf(agentJar));
        String name = AgentVersion.get() + '_' + build
                + '_' + System.getProperty("java.vm.version") + '_'
                + Integer.toHexString(System.getProperty("java.home", "").hashCode());
        return safeSegment(name, "._+-");
    }

    /**
     * {@code s} with every character but ASCII letters, digits and {@code punctuation} replaced by
     * '_'. A loop, not {@code replaceAll}: compiling a regex is a millisecond of every start.
     */
    static String safeSegment(String s, String punctuation) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || punctuation.indexOf(c) >= 0);
            b.append(safe ? c : '_');
        }
        return b.toString();
    }

    /**
     * The first 16 hex digits of the digest the build stamped into the jar ({@value #BUILD_ID}: SHA-256
     * of everything else the jar holds), or null without one (a class path, a jar built otherwise),
     * which is then fingerprinted by {@link #contentsOf}. Reading it from the open jar is ~1 ms;
     * the fingerprint ~6 ms of every start (a file channel, ~100 KB read and checksummed).
     */
    static String stampedDigest(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(BUILD_ID)) {
            if (in == null) {
                return null;
            }
            String id = new String(in.readNBytes(128), StandardCharsets.US_ASCII).trim();
            for (int i = 0; i < id.length(); i++) {
                if (Character.digit(id.charAt(i), 16) < 0) {
                    return null;
                }
            }
            return id.length() >= 16 ? id.substring(0, 16) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static final String BUILD_ID = "io/mcpegress/agent/build.id";

    /**
     * A fingerprint of the agent jar's central directory, which lists every entry's name, CRC-32,
     * sizes and time: another build differs even with the same size and time (a copy that keeps
     * times, a reproducible build of other sources). Two checksums of the directory's bytes, read
     * straight from the file: walking the entries through {@code JarFile} built ~3,700 entry objects
     * at start-up (~10 ms, interpreted), this reads ~0.5 MB and checksums it with intrinsics.
     */
    static long contentsOf(File agentJar) throws IOException {
        try (FileChannel ch = FileChannel.open(agentJar.toPath(), StandardOpenOption.READ)) {
            long size = ch.size();
            int tail = (int) Math.min(size, END_RECORD + 0xffff); // the end record, after a comment of up to 64 KB
            ByteBuffer end = readFully(ch, size - tail, tail);
            for (int at = tail - END_RECORD; at >= 0; at--) {
                if (end.getInt(at) == END_SIGNATURE) {
                    long directorySize = end.getInt(at + 12) & 0xffffffffL;
                    long directoryOffset = end.getInt(at + 16) & 0xffffffffL;
                    if (directoryOffset + directorySize > size || directorySize > Integer.MAX_VALUE) {
                        break; // ZIP64 or damaged: not a jar this agent ships as
                    }
                    ByteBuffer directory = readFully(ch, directoryOffset, (int) directorySize);
                    CRC32 crc = new CRC32();
                    crc.update(directory.duplicate());
                    CRC32C crcC = new CRC32C();
                    crcC.update(directory);
                    return crc.getValue() << 32 | crcC.getValue();
                }
            }
        }
        throw new IOException("no zip central directory found in " + agentJar);
    }

    private static final int END_RECORD = 22;
    private static final int END_SIGNATURE = 0x06054b50;

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip();
    }

    /** Creates {@code dir} (0700) when missing; null, with a warning, when it is not ours alone. */
    private static Path ownedDirectory(Path dir) throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                                    PosixFilePermission.OWNER_EXECUTE)));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException raced) {
                // another JVM created it: checked below like any existing directory
            }
        }
        if (!posix) {
            return dir;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)
                || !ownedByThisUser(dir)) {
            AgentLog.warnOnce("weave-cache-trust", "weave cache " + dir + " not used: it belongs to another user or"
                    + " others may write to it (classes are woven at each start; use a directory of this user's, mode 0700)");
            return null;
        }
        return dir;
    }

    /**
     * Whether this process's user owns {@code dir}. On Linux {@code /proc/self} belongs to the
     * process's user, which also works for a cache baked into a read-only image; elsewhere the
     * owner of a file created in {@code dir} tells.
     */
    private static boolean ownedByThisUser(Path dir) throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.isDirectory(self)) {
            return owner(self).equals(owner(dir));
        }
        Path probe = Files.createFile(dir.resolve(uniqueName(".owner")));
        try {
            return owner(probe).equals(owner(dir));
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** The numeric uid where there is one: no user-name lookup (NSS, LDAP) on the start-up path. */
    private static Object owner(Path path) throws IOException {
        try {
            return Files.getAttribute(path, "unix:uid");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.getOwner(path);
        }
    }

    /**
     * A name no other thread or JVM uses at the same time (and CREATE_NEW makes sure). Not
     * {@code Files.createTempFile}: its random names start the JCA's SecureRandom, ~20 ms of the
     * start-up this class exists to save.
     */
    private static String uniqueName(String prefix) {
        return prefix + '-' + Thread.currentThread().getId() + '-' + System.nanoTime() + '-'
                + Integer.toHexString(System.identityHashCode(new Object())) + ".tmp";
    }

    boolean enabled() {
        return dir != null;
    }

    /**
     * Whether a start can do without ByteBuddy: earlier runs stored woven classes and none of them
     * had to weave a class the cache cannot hold. When false the caller warms ByteBuddy up in the
     * background.
     */
    boolean warm() {
        if (dir == null || Files.exists(dir.resolve(UNCACHED_MARKER))) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            return entries.iterator().hasNext();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Where a class comes from, as far as its weaving depends on it, or null when the cache must
     * not hold it. JDK classes: {@code "jdk"} (the runtime is in the directory's name). Library
     * classes: their jar's path, size and modification time, since the modules' conditions also
     * read other classes of the same jar; for a jar nested in a fat jar (Spring Boot's
     * {@code BOOT-INF/lib}), the outer file's and the entry's name, as the outer file fixes what is
     * in the nested one. Classes from directories or unknown places are woven at each start.
     */
    static String origin(ClassLoader loader, ProtectionDomain domain) {
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return "jdk";
        }
        try {
            CodeSource source = domain == null ? null : domain.getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null) {
                return null;
            }
            Path jar;
            String entry = "";
            if ("file".equals(location.getProtocol())) {
                if (!location.getPath().endsWith(".jar")) {
                    return null;
                }
                jar = Path.of(location.toURI());
            } else {
                NestedJar nested = NestedJar.of(location.toString());
                if (nested == null) {
                    return null;
                }
                jar = nested.file();
                entry = " " + nested.entry();
            }
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            return "jar " + jar.toAbsolutePath() + ' ' + attributes.size() + ' ' + attributes.lastModifiedTime().toMillis() + entry;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A jar (or classes folder) inside a jar file, as Spring Boot's launchers name the code
     * source of its classes: {@code jar:nested:/app.jar/!BOOT-INF/lib/x.jar!/} from Boot 3.2 on,
     * {@code jar:file:/app.jar!/BOOT-INF/lib/x.jar!/} before, and the same without {@code jar:}
     * and the last {@code !/} for {@code BOOT-INF/classes}. Only one level of nesting.
     */
    record NestedJar(Path file, String entry) {

        static NestedJar of(String location) throws URISyntaxException {
            String spec = location.startsWith("jar:") ? location.substring(4) : location;
            String outer;
            String rest;
            if (spec.startsWith("nested:")) {
                int bang = spec.indexOf("/!");
                if (bang < 0) {
                    return null;
                }
                outer = spec.substring("nested:".length(), bang);
                rest = spec.substring(bang + 2);
            } else if (spec.startsWith("file:")) {
                int bang = spec.indexOf("!/");
                if (bang < 0) {
                    return null;
                }
                outer = spec.substring(0, bang);
                rest = spec.substring(bang + 2);
            } else {
                return null;
            }
            String entry = rest.endsWith("!/") ? rest.substring(0, rest.length() - 2) : rest;
            entry = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
            if (entry.isEmpty() || entry.contains("!")) {
                return null;
            }
            Path file = outer.startsWith("file:") ? Path.of(new URI(outer)) : Path.of(percentDecoded(outer));
            return new NestedJar(file, entry);
        }

        /** Spring Boot writes the outer path of a {@code nested:} location percent-encoded. */
        private static String percentDecoded(String path) {
            return path.indexOf('%') < 0 ? path : URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
    }

    /** A stored weave of exactly these original bytes with exactly this signature, or null. */
    NamedClassWeaver.Woven get(String internalName, String signature, byte[] original) {
        if (dir == null) {
            return null;
        }
        Path file = dir.resolve(fileName(internalName, signature, original));
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            return decode(Files.readAllBytes(file), signature, original);
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("weave cache entry " + file + " not used: " + e);
            return null;
        }
    }

    /** Stores a weave for the next start; failures (disk full, read-only) only cost that start. */
    void put(String internalName, String signature, byte[] original, NamedClassWeaver.Woven woven) {
        if (dir == null) {
            return;
        }
        try {
            write(fileName(internalName, signature, original), encode(signature, original, woven));
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("weave cache entry for " + internalName + " not stored: " + e);
        }
    }

    /** Another start-up entry (a policy file's parsed form), or null. */
    @Override
    public byte[] read(String name) {
        if (dir == null) {
            return null;
        }
        Path file = dir.resolve(name);
        try {
            return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("start-up cache entry " + file + " not used: " + e);
            return null;
        }
    }

    /** Stores another start-up entry; failures (disk full, read-only) only cost the next start. */
    @Override
    public void write(String name, byte[] bytes) {
        if (dir == null) {
            return;
        }
        Path file = dir.resolve(name);
        Path tmp = null;
        try {
            tmp = dir.resolve(uniqueName(".entry"));
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("start-up cache entry " + file + " not stored: " + e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file is never read
                }
            }
        }
    }

    /** Notes that ByteBuddy wove a class the cache cannot hold, so later starts warm it up early. */
    void uncachedClassWoven() {
        if (dir == null || libraryMarked) {
            return;
        }
        libraryMarked = true;
        try {
            Files.createFile(dir.resolve(UNCACHED_MARKER));
        } catch (FileAlreadyExistsException e) {
            // an earlier run noted it
        } catch (IOException | RuntimeException e) {
            AgentLog.debug("weave cache marker not stored: " + e);
        }
    }

    static String fileName(String internalName, String signature, byte[] original) {
        CRC32C crc = new CRC32C();
        crc.update(original);
        return internalName.replace('/', '.') + '_' + Integer.toHexString(original.length) + '_'
                + Long.toHexString(crc.getValue()) + '_' + Integer.toHexString(signature.hashCode()) + SUFFIX;
    }

    static byte[] encode(String signature, byte[] original, NamedClassWeaver.Woven entry) throws IOException {
        return CheckedEntry.seal(MAGIC, FORMAT, original.length + entry.bytes().length + 256, out -> {
            writeString(out, signature);
            writeString(out, String.join(",", entry.modules()));
            out.writeInt(original.length);
            out.write(original);
            out.writeInt(entry.bytes().length);
            out.write(entry.bytes());
        });
    }

    /** The entry, or null when the file is damaged or was woven from other bytes or advice. */
    static NamedClassWeaver.Woven decode(byte[] file, String signature, byte[] original) throws IOException {
        DataInputStream in = CheckedEntry.open(file, MAGIC, FORMAT);
        if (in == null || !readString(in).equals(signature)) {
            return null;
        }
        String modules = readString(in);
        byte[] storedOriginal = readBytes(in);
        if (!Arrays.equals(storedOriginal, original)) {
            return null;
        }
        byte[] woven = readBytes(in);
        return new NamedClassWeaver.Woven(woven, modules.isEmpty() ? List.of() : List.of(modules.split(",")));
    }

    // length-prefixed UTF-8: writeUTF stops at 64 KB, and signatures name every advice binding
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("damaged entry: length " + n);
        }
        return in.readNBytes(n);
    }

    @Override
    public String toString() {
        return dir == null ? "none" : dir.toString();
    }
}
