package io.mcpegress.instrumentation.api.type;

import net.bytebuddy.jar.asm.Type;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Describes classes from their class files as one class loader would find them, without loading
 * any: the class being woven from the bytes the JVM handed over, the classes its signatures name
 * from the loader's resources. Not thread-safe.
 */
public final class TypeShapes {

    private final ClassLoader loader;
    private final String givenName;
    private final byte[] givenClassFile;
    private final Map<String, TypeShape> shapes = new HashMap<>();

    /** @param loader where class files are found; null for the boot loader */
    public TypeShapes(ClassLoader loader) {
        this(loader, null, null);
    }

    /** Like {@link #TypeShapes(ClassLoader)}, with {@code name}'s class file as given, not as the loader has it. */
    public TypeShapes(ClassLoader loader, String name, byte[] classfile) {
        this.loader = loader;
        this.givenName = name;
        this.givenClassFile = classfile;
    }

    /** The class named {@code name} (binary name, or a primitive's name); read only when asked for its members. */
    public TypeShape describe(String name) {
        TypeShape shape = shapes.get(name);
        if (shape == null) {
            shape = new TypeShape(this, name, !isPrimitive(name) && !name.startsWith("[")); // no members otherwise
            shapes.put(name, shape);
        }
        return shape;
    }

    /** The type a descriptor ({@code I}, {@code Ljava/net/URL;}, {@code [B}) stands for. */
    TypeShape ofDescriptor(String descriptor) {
        Type type = Type.getType(descriptor);
        return switch (type.getSort()) {
            case Type.OBJECT -> describe(type.getClassName());
            case Type.ARRAY -> describe(type.getDescriptor().replace('/', '.'));
            default -> describe(type.getClassName());
        };
    }

    /** The class file of {@code name}, or null when the loader has none. */
    byte[] classFile(String name) {
        if (name.equals(givenName)) {
            return givenClassFile;
        }
        String resource = name.replace('.', '/') + ".class";
        ClassLoader from = loader != null ? loader : ClassLoader.getPlatformClassLoader();
        try (InputStream in = from.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isPrimitive(String name) {
        return switch (name) {
            case "boolean", "byte", "char", "short", "int", "long", "float", "double", "void" -> true;
            default -> false;
        };
    }
}
