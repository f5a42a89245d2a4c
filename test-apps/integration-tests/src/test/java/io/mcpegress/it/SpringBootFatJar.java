package io.mcpegress.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Packs a test app the way Spring Boot's {@code repackage} goal does: Spring Boot's real launcher
 * classes (the {@code spring-boot-loader} artifact) at the top, the app's classes under
 * {@code BOOT-INF/classes/}, each library jar stored uncompressed under {@code BOOT-INF/lib/}.
 * Started with {@code java -cp fat.jar JarLauncher}, the libraries are loaded from the nested jars
 * ({@code jar:nested:/fat.jar/!BOOT-INF/lib/x.jar!/}), as in a Spring AI MCP server.
 */
final class SpringBootFatJar {

    static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

    private SpringBootFatJar() {
    }

    /** @param classpath the app's class path: its classes directory first, then jars (a directory later on is packed as a jar) */
    static Path build(Path target, List<Path> classpath, String startClass) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, LAUNCHER);
        main.putValue("Start-Class", startClass);
        main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            copyLoader(out);
            addDirectory(out, classpath.get(0), "BOOT-INF/classes/");
            for (Path entry : classpath.subList(1, classpath.size())) {
                String name = entry.getFileName().toString();
                byte[] jar = Files.isDirectory(entry) ? jarOf(entry) : Files.readAllBytes(entry);
                storeUncompressed(out, "BOOT-INF/lib/" + (name.endsWith(".jar") ? name : name + ".jar"), jar);
            }
        }
        return target;
    }

    /** The launcher classes, from the spring-boot-loader jar on this test's class path. */
    private static void copyLoader(JarOutputStream out) throws Exception {
        Path loader = Path.of(Class.forName(LAUNCHER).getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarFile jar = new JarFile(loader.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().startsWith("META-INF/") || e.isDirectory()) {
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getName()));
                try (InputStream in = jar.getInputStream(e)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    private static void addDirectory(JarOutputStream out, Path dir, String prefix) throws IOException {
        // with an entry per folder, as jar tools write them: Spring Boot opens BOOT-INF/classes/ by its entry
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
                String relative = dir.relativize(f).toString().replace('\\', '/');
                if (Files.isDirectory(f)) {
                    String name = relative.isEmpty() ? prefix : prefix + relative + "/";
                    if (!name.isEmpty()) {
                        out.putNextEntry(new JarEntry(name));
                        out.closeEntry();
                    }
                } else {
                    out.putNextEntry(new JarEntry(prefix + relative));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
    }

    private static byte[] jarOf(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            addDirectory(jar, dir, "");
        }
        return bytes.toByteArray();
    }

    /** Spring Boot reads nested jars in place, so they must be stored, not deflated. */
    private static void storeUncompressed(JarOutputStream out, String name, byte[] bytes) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }
}
