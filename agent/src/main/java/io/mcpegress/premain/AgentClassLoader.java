package io.mcpegress.premain;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's own classes and its dependencies (ByteBuddy, Jackson, SnakeYAML) from the
 * {@code inst/} folder of the agent jar, where they are stored as {@code .classdata} files. The
 * application's class loaders and classpath scanners never see them, so the application's own
 * copies of the same libraries, at any version, keep working.
 *
 * <p>Parent is the platform loader: JDK modules stay visible, and bootstrap classes (the facade the
 * advice calls) resolve to the one copy on the boot class path.
 */
public final class AgentClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static final String PREFIX = "inst/";
    private static final String CLASS_SUFFIX = ".classdata";

    private final JarFile jar;
    private final URL jarUrl;
    private final ProtectionDomain domain;

    public AgentClassLoader(JarFile jar, URL jarUrl) {
        super("mcp-egress-agent", ClassLoader.getPlatformClassLoader());
        this.jar = jar;
        this.jarUrl = jarUrl;
        this.domain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = readEntry(in, entry.getSize());
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    /**
     * The entry's bytes, read straight into an array of its size: {@code readAllBytes} grows and
     * copies buffers, for each of the ~1,000 classes a first start loads (~5 % of their loading).
     */
    private static byte[] readEntry(InputStream in, long size) throws IOException {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            return in.readAllBytes();
        }
        byte[] bytes = new byte[(int) size];
        int n = in.readNBytes(bytes, 0, bytes.length);
        if (n != bytes.length || in.read() != -1) {
            throw new IOException("entry is not " + size + " bytes long");
        }
        return bytes;
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot <= 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        if (getDefinedPackage(pkg) == null) {
            try {
                definePackage(pkg, null, null, null, null, null, null, null);
            } catch (IllegalArgumentException raced) {
                // another thread defined it first
            }
        }
    }

    @Override
    protected URL findResource(String name) {
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entry.getName());
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        // ByteBuddy reads advice class files this way; serve them straight from the jar
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry == null) {
            // the bootstrap facade sits at the top level of the jar, outside inst/
            entry = jar.getJarEntry(name.startsWith("/") ? name.substring(1) : name);
        }
        if (entry != null) {
            try {
                return jar.getInputStream(entry);
            } catch (IOException e) {
                return null;
            }
        }
        return super.getResourceAsStream(name);
    }

    private static String entryName(String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        if (name.endsWith(".class")) {
            return PREFIX + name.substring(0, name.length() - ".class".length()) + CLASS_SUFFIX;
        }
        return PREFIX + name;
    }
}
