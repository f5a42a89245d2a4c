package io.mcpegress.instrumentation.api.type;

import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;

import java.util.ArrayList;
import java.util.List;

/**
 * A class as its class file declares it, read with ASM only when a member, the superclass or an
 * annotation is asked for, and never loaded: what the modules' conditions and method matchers
 * look at while the class is being woven. Primitive and array types have no members. Not
 * thread-safe: one {@link TypeShapes} per class being woven.
 */
public final class TypeShape implements Named {

    private final TypeShapes shapes;
    private final String name;
    private final boolean hasClassFile;
    private boolean read;
    private String superName;
    private final List<String> annotations = new ArrayList<>();
    private final List<MethodShape> methods = new ArrayList<>();
    private final List<FieldShape> fields = new ArrayList<>();

    TypeShape(TypeShapes shapes, String name, boolean hasClassFile) {
        this.shapes = shapes;
        this.name = name;
        this.hasClassFile = hasClassFile;
    }

    /** The binary name: {@code okhttp3.Interceptor$Chain}, {@code int}, {@code [Ljava.lang.String;}. */
    @Override
    public String name() {
        return name;
    }

    /** {@code okhttp3/Interceptor$Chain}. */
    public String internalName() {
        return name.replace('.', '/');
    }

    /** Methods and constructors the class file declares (the class initializer too), in file order. */
    public List<MethodShape> declaredMethods() {
        read();
        return methods;
    }

    public List<FieldShape> declaredFields() {
        read();
        return fields;
    }

    /** Binary names of the annotation types on the class (run-time and class-file retention). */
    public List<String> annotationTypes() {
        read();
        return annotations;
    }

    /** The superclass; null for {@code java.lang.Object}, interfaces' none, primitives and arrays. */
    public TypeShape superClass() {
        read();
        return superName == null ? null : shapes.describe(superName.replace('/', '.'));
    }

    /** Another class, as this one's class loader would find it. */
    public TypeShape describeRelated(String binaryName) {
        return shapes.describe(binaryName);
    }

    TypeShapes shapes() {
        return shapes;
    }

    private void read() {
        if (read || !hasClassFile) {
            return;
        }
        byte[] classfile = shapes.classFile(name);
        if (classfile == null) {
            throw new IllegalStateException("cannot read the class file of " + name);
        }
        OpenedClassReader.of(classfile).accept(new Reader(), ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        read = true;
    }

    @Override
    public String toString() {
        return name;
    }

    private final class Reader extends ClassVisitor {
        Reader() {
            super(OpenedClassReader.ASM_API);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            TypeShape.this.superName = (access & Opcodes.ACC_INTERFACE) != 0 ? null : superName;
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            annotations.add(Type.getType(descriptor).getClassName());
            return null;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            fields.add(new FieldShape(TypeShape.this, access, name, descriptor));
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            methods.add(new MethodShape(TypeShape.this, access, name, descriptor));
            return null;
        }
    }
}
