package io.mcpegress.instrumentation.api;

import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.type.TypeShapes;
import io.mcpegress.instrumentation.api.weave.AdviceClass;
import io.mcpegress.instrumentation.api.weave.ClassWeaver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the modules' tests (shared through this module's test jar): applies a module's type
 * instrumentations to a library class the way the agent does (the class read from its class file,
 * never loaded; every matching instrumentation's advice inlined by the agent's weaver) and returns
 * the advice classes that were woven.
 */
public final class ModuleWeaving {

    private ModuleWeaving() {
    }

    /** @param library where the library's class files are read (its jar, with the boot loader's classes behind it) */
    public static List<String> weave(List<TypeInstrumentation> instrumentations, ClassLoader library, String typeName) {
        byte[] classfile = classFile(library, typeName);
        TypeShape type = new TypeShapes(library, typeName, classfile).describe(typeName);
        List<TypeInstrumentation.AdviceBinding> bindings = new ArrayList<>();
        for (TypeInstrumentation i : instrumentations) {
            if (i.typeMatcher().matches(type)) {
                for (TypeInstrumentation.AdviceBinding binding : i.adviceBindings()) {
                    assertThat(type.declaredMethods()).as(binding.adviceClassName() + " hooks a method of " + typeName)
                            .anyMatch(m -> binding.methods().matches(m));
                    bindings.add(binding);
                }
            }
        }
        weave(type, classfile, bindings);
        List<String> names = new ArrayList<>();
        for (TypeInstrumentation.AdviceBinding binding : bindings) {
            names.add(binding.adviceClassName());
        }
        return names;
    }

    /** Inlines the bindings' advice (read from the test class path); fails like the agent's weaving: unknown field, unsupported advice... */
    public static byte[] weave(TypeShape type, byte[] classfile, List<TypeInstrumentation.AdviceBinding> bindings) {
        return ClassWeaver.weave(type, classfile, bindings,
                name -> AdviceClass.read(name, classFile(ModuleWeaving.class.getClassLoader(), name)));
    }

    /** Reads class files from {@code jar} first, then from {@code fallback} (the JDK and the library's dependencies). */
    public static ClassLoader jarFirst(java.nio.file.Path jar, ClassLoader fallback) throws IOException {
        return new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null) {
            @Override
            public java.net.URL getResource(String name) {
                java.net.URL url = findResource(name);
                return url != null ? url : fallback.getResource(name);
            }
        };
    }

    /** The methods of {@code type} a binding's matcher selects. */
    public static List<MethodShape> matching(TypeShape type, TypeInstrumentation.AdviceBinding binding) {
        List<MethodShape> found = new ArrayList<>();
        for (MethodShape m : type.declaredMethods()) {
            if (binding.methods().matches(m)) {
                found.add(m);
            }
        }
        return found;
    }

    public static byte[] classFile(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            assertThat(in).as(name + " in " + loader).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
