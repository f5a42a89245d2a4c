package io.mcpegress.instrumentation.api.weave;

import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An advice class written with ByteBuddy's {@code @Advice} annotations, read from its class file:
 * its enter and exit methods, what each parameter stands for, and the code to inline. Only the
 * subset of {@code Advice} the modules use is accepted; anything else fails the weaving of the
 * class loudly (reported as not instrumented) instead of being woven differently from ByteBuddy.
 */
public final class AdviceClass {

    /** Written so the jar's relocation of ByteBuddy (io/mcpegress/shaded/net/bytebuddy/...) rewrites it too. */
    private static final String ADVICE = "L".concat("net/bytebuddy/asm/Advice$"); // not a constant: javac would fold it
    private static final String ENTER = ADVICE + "OnMethodEnter;";
    private static final String EXIT = ADVICE + "OnMethodExit;";
    /** ByteBuddy's "no exception handler" and "never skip" defaults. */
    private static final String NO_HANDLER = "net/bytebuddy/asm/Advice$NoExceptionHandler";

    private final String name;
    private final ClassReader code;
    private final AdviceMethod enter;
    private final AdviceMethod exit;

    private AdviceClass(String name, ClassReader code, AdviceMethod enter, AdviceMethod exit) {
        this.name = name;
        this.code = code;
        this.enter = enter;
        this.exit = exit;
    }

    /** Parses {@code classfile}, the class file of the advice class {@code name}; throws if it uses unsupported advice. */
    public static AdviceClass read(String name, byte[] classfile) {
        ClassReader reader = OpenedClassReader.of(classfile);
        Parser parser = new Parser(name);
        reader.accept(parser, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        AdviceMethod enter = parser.build(true);
        AdviceMethod exit = parser.build(false);
        if (enter == null && exit == null) {
            throw new IllegalStateException(name + " has no @Advice.OnMethodEnter or @Advice.OnMethodExit method");
        }
        if (exit != null && exit.uses(AdviceParameter.Kind.ENTER) && (enter == null || enter.returnType().getSort() == Type.VOID)) {
            throw new IllegalStateException(name + ": @Advice.Enter without a value returned by an enter advice");
        }
        return new AdviceClass(name, reader, enter, exit);
    }

    public String name() {
        return name;
    }

    AdviceMethod enter() {
        return enter;
    }

    AdviceMethod exit() {
        return exit;
    }

    /** Replays the code of {@code method} (expanded frames, no debug information) into {@code visitor}. */
    void replay(AdviceMethod method, MethodVisitor visitor) {
        code.accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String methodName, String descriptor, String signature, String[] exceptions) {
                return methodName.equals(method.name()) && descriptor.equals(method.descriptor()) ? visitor : null;
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.EXPAND_FRAMES);
    }

    /** Collects the annotated methods and their parameters' annotations. */
    private static final class Parser extends ClassVisitor {
        private final String className;
        private MethodParser enter;
        private MethodParser exit;

        Parser(String className) {
            super(OpenedClassReader.ASM_API);
            this.className = className;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodParser(access, name, descriptor);
        }

        AdviceMethod build(boolean isEnter) {
            MethodParser m = isEnter ? enter : exit;
            return m == null ? null : m.build();
        }

        private final class MethodParser extends MethodVisitor {
            private final int access;
            private final String name;
            private final String descriptor;
            private final ParameterParser[] parameters;
            private final Values kind = new Values(); // the OnMethodEnter / OnMethodExit values
            private boolean isEnter;

            MethodParser(int access, String name, String descriptor) {
                super(OpenedClassReader.ASM_API);
                this.access = access;
                this.name = name;
                this.descriptor = descriptor;
                Type[] types = Type.getArgumentTypes(descriptor);
                this.parameters = new ParameterParser[types.length];
                for (int i = 0; i < types.length; i++) {
                    parameters[i] = new ParameterParser(types[i]);
                }
            }

            @Override
            public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                if (!annotation.equals(ENTER) && !annotation.equals(EXIT)) {
                    return null;
                }
                isEnter = annotation.equals(ENTER);
                if ((isEnter ? enter : exit) != null) {
                    throw new IllegalStateException(className + " has two " + annotation + " methods");
                }
                if ((access & Opcodes.ACC_STATIC) == 0) {
                    throw new IllegalStateException(className + "." + name + " is advice but not static");
                }
                if (isEnter) {
                    enter = this;
                } else {
                    exit = this;
                }
                return kind;
            }

            @Override
            public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
                if (!annotation.startsWith(ADVICE)) {
                    return null;
                }
                ParameterParser p = parameters[parameter];
                if (p.annotation != null) {
                    throw new IllegalStateException(where() + ": parameter " + parameter + " has two advice annotations");
                }
                p.annotation = annotation.substring(ADVICE.length(), annotation.length() - 1);
                return p.values;
            }

            private String where() {
                return className + "." + name;
            }

            AdviceMethod build() {
                kind.allowOnly(where(), "suppress", "skipOn", "onThrowable", "prependLineNumber", "backupArguments");
                List<AdviceParameter> list = new ArrayList<>();
                for (int i = 0; i < parameters.length; i++) {
                    list.add(parameters[i].build(where(), i, isEnter));
                }
                Type suppress = kind.type("suppress");
                Type skipOn = isEnter ? kind.type("skipOn") : null;
                Type onThrowable = isEnter ? null : kind.type("onThrowable");
                if (skipOn != null && (skipOn.getSort() != Type.OBJECT || skipOn.getInternalName().startsWith(ADVICE.substring(1)))) {
                    throw new IllegalStateException(where() + ": skipOn supports a class to test the enter value against, not " + skipOn);
                }
                if (onThrowable != null && !onThrowable.getInternalName().equals("java/lang/Throwable")) {
                    throw new IllegalStateException(where() + ": onThrowable supports Throwable.class only");
                }
                return new AdviceMethod(name, descriptor, List.copyOf(list), Type.getReturnType(descriptor),
                        suppress, skipOn, onThrowable != null);
            }
        }
    }

    /** One advice parameter's annotation, by simple name ({@code Argument}, {@code FieldValue}...). */
    private static final class ParameterParser {
        private final Type type;
        private final Values values = new Values();
        private String annotation;

        ParameterParser(Type type) {
            this.type = type;
        }

        AdviceParameter build(String where, int position, boolean isEnter) {
            if (annotation == null) {
                throw new IllegalStateException(where + ": parameter " + position + " has no advice annotation");
            }
            String at = where + ": @Advice." + annotation + " parameter " + position;
            boolean writable = !values.bool("readOnly", true);
            AdviceParameter.Kind kind;
            int index = -1;
            String name = null;
            switch (annotation) {
                case "Argument" -> {
                    values.allowOnly(at, "value", "readOnly", "typing");
                    kind = AdviceParameter.Kind.ARGUMENT;
                    index = values.integer("value");
                }
                case "This" -> {
                    values.allowOnly(at, "typing");
                    kind = AdviceParameter.Kind.THIS;
                }
                case "FieldValue" -> {
                    values.allowOnly(at, "value", "readOnly", "typing");
                    kind = AdviceParameter.Kind.FIELD;
                    name = values.string("value");
                }
                case "Enter" -> {
                    values.allowOnly(at, "readOnly", "typing");
                    kind = AdviceParameter.Kind.ENTER;
                    if (isEnter) {
                        throw new IllegalStateException(at + ": only exit advice can read the enter value");
                    }
                }
                case "Return" -> {
                    values.allowOnly(at, "readOnly", "typing");
                    kind = AdviceParameter.Kind.RETURN;
                }
                case "Thrown" -> {
                    values.allowOnly(at, "readOnly", "typing");
                    kind = AdviceParameter.Kind.THROWN;
                }
                case "Origin" -> {
                    values.allowOnly(at);
                    kind = AdviceParameter.Kind.ORIGIN;
                    if (!type.getDescriptor().equals("Ljava/lang/Class;")) {
                        throw new IllegalStateException(at + ": only a Class<?> origin is supported");
                    }
                }
                case "AllArguments" -> {
                    values.allowOnly(at, "typing");
                    kind = AdviceParameter.Kind.ALL_ARGUMENTS;
                    if (!type.getDescriptor().equals("[Ljava/lang/Object;")) {
                        throw new IllegalStateException(at + ": only an Object[] of all arguments is supported");
                    }
                }
                case "Local" -> {
                    values.allowOnly(at, "value");
                    kind = AdviceParameter.Kind.LOCAL;
                    name = values.string("value");
                    writable = true; // a shared local is the advice's own variable
                }
                default -> throw new IllegalStateException(at + " is not supported by the agent's weaver");
            }
            if (isEnter && (kind == AdviceParameter.Kind.RETURN || kind == AdviceParameter.Kind.THROWN)) {
                throw new IllegalStateException(at + ": only exit advice can read the return value or the throwable");
            }
            return new AdviceParameter(kind, type, index, name, writable);
        }
    }

    /** An annotation's explicitly given values (absent ones take ByteBuddy's defaults). */
    private static final class Values extends AnnotationVisitor {
        private final List<String> names = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        Values() {
            super(OpenedClassReader.ASM_API);
        }

        @Override
        public void visit(String name, Object value) {
            names.add(name);
            values.add(value);
        }

        @Override
        public void visitEnum(String name, String descriptor, String value) {
            names.add(name);
            values.add(value);
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            throw new IllegalStateException("advice annotation value '" + name + "' is an array: not supported");
        }

        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
            throw new IllegalStateException("advice annotation value '" + name + "' is an annotation: not supported");
        }

        private Object get(String name) {
            int i = names.indexOf(name);
            return i < 0 ? null : values.get(i);
        }

        void allowOnly(String where, String... allowed) {
            for (String name : names) {
                if (!Arrays.asList(allowed).contains(name)) {
                    throw new IllegalStateException(where + ": advice attribute '" + name + "' is not supported by the agent's weaver");
                }
            }
        }

        boolean bool(String name, boolean otherwise) {
            Object v = get(name);
            return v == null ? otherwise : (Boolean) v;
        }

        int integer(String name) {
            Object v = get(name);
            return v == null ? 0 : (Integer) v;
        }

        String string(String name) {
            Object v = get(name);
            if (v == null || ((String) v).isEmpty()) {
                throw new IllegalStateException("advice attribute '" + name + "' must name something");
            }
            return (String) v;
        }

        /** A class value, null when absent or ByteBuddy's "none" marker (NoExceptionHandler, void). */
        Type type(String name) {
            Type v = (Type) get(name);
            if (v == null || v.getSort() == Type.VOID || v.getInternalName().equals(NO_HANDLER)) {
                return null;
            }
            return v;
        }
    }
}
