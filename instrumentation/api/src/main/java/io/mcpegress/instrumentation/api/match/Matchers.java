package io.mcpegress.instrumentation.api.match;

import io.mcpegress.instrumentation.api.type.FieldShape;
import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.type.Named;
import io.mcpegress.instrumentation.api.type.TypeShape;

import java.util.Arrays;
import java.util.List;

/**
 * The matchers the modules use, named as ByteBuddy's {@code ElementMatchers} are. Each is a small
 * class of its own (no lambdas: the agent builds them while the JVM starts) with a {@code toString}
 * that reads like the expression, for the "unsupported version" messages.
 */
public final class Matchers {

    private Matchers() {
    }

    public static <T> Matcher<T> any() {
        return new Any<>();
    }

    public static <T extends Named> Matcher<T> named(String name) {
        return new NamedOneOf<>(name);
    }

    public static <T extends Named> Matcher<T> namedOneOf(String... names) {
        return new NamedOneOf<>(names);
    }

    public static <T> Matcher<T> not(Matcher<? super T> matcher) {
        return new Not<>(matcher);
    }

    public static Matcher<MethodShape> isConstructor() {
        return new MethodKind(MethodKind.CONSTRUCTOR);
    }

    public static Matcher<MethodShape> isBridge() {
        return new MethodKind(MethodKind.BRIDGE);
    }

    public static Matcher<MethodShape> takesArguments(int count) {
        return new TakesArguments(count);
    }

    public static Matcher<MethodShape> takesArgument(int index, Matcher<? super TypeShape> type) {
        return new TakesArgument(index, type);
    }

    public static Matcher<MethodShape> returns(Matcher<? super TypeShape> type) {
        return new Returns(type);
    }

    public static Matcher<FieldShape> fieldType(Matcher<? super TypeShape> type) {
        return new FieldType(type);
    }

    public static Matcher<TypeShape> declaresMethod(Matcher<? super MethodShape> method) {
        return new DeclaresMethod(method);
    }

    public static Matcher<TypeShape> declaresField(Matcher<? super FieldShape> field) {
        return new DeclaresField(field);
    }

    /** An annotation on the class, by its type: the type is named, never read. */
    public static Matcher<TypeShape> isAnnotatedWith(Matcher<? super TypeShape> annotationType) {
        return new AnnotatedWith(annotationType);
    }

    /** Both or either of two matchers. */
    static final class Junction<T> implements Matcher<T> {
        private final Matcher<? super T> left;
        private final Matcher<? super T> right;
        private final boolean both;

        Junction(Matcher<? super T> left, Matcher<? super T> right, boolean both) {
            this.left = left;
            this.right = right;
            this.both = both;
        }

        @Override
        public boolean matches(T target) {
            return both ? left.matches(target) && right.matches(target) : left.matches(target) || right.matches(target);
        }

        @Override
        public String toString() {
            return "(" + left + (both ? " and " : " or ") + right + ")";
        }
    }

    private static final class Not<T> implements Matcher<T> {
        private final Matcher<? super T> matcher;

        Not(Matcher<? super T> matcher) {
            this.matcher = matcher;
        }

        @Override
        public boolean matches(T target) {
            return !matcher.matches(target);
        }

        @Override
        public String toString() {
            return "not(" + matcher + ")";
        }
    }

    private static final class Any<T> implements Matcher<T> {
        @Override
        public boolean matches(T target) {
            return true;
        }

        @Override
        public String toString() {
            return "any()";
        }
    }

    private static final class NamedOneOf<T extends Named> implements Matcher<T> {
        private final List<String> names;

        NamedOneOf(String... names) {
            this.names = Arrays.asList(names);
        }

        @Override
        public boolean matches(T target) {
            return names.contains(target.name());
        }

        @Override
        public String toString() {
            return names.size() == 1 ? "named(" + names.get(0) + ")" : "namedOneOf" + names;
        }
    }

    private static final class MethodKind implements Matcher<MethodShape> {
        static final int CONSTRUCTOR = 0;
        static final int BRIDGE = 1;
        private final int kind;

        MethodKind(int kind) {
            this.kind = kind;
        }

        @Override
        public boolean matches(MethodShape method) {
            return kind == CONSTRUCTOR ? method.isConstructor() : method.isBridge();
        }

        @Override
        public String toString() {
            return kind == CONSTRUCTOR ? "isConstructor()" : "isBridge()";
        }
    }

    private static final class TakesArguments implements Matcher<MethodShape> {
        private final int count;

        TakesArguments(int count) {
            this.count = count;
        }

        @Override
        public boolean matches(MethodShape method) {
            return method.parameterCount() == count;
        }

        @Override
        public String toString() {
            return "takesArguments(" + count + ")";
        }
    }

    private static final class TakesArgument implements Matcher<MethodShape> {
        private final int index;
        private final Matcher<? super TypeShape> type;

        TakesArgument(int index, Matcher<? super TypeShape> type) {
            this.index = index;
            this.type = type;
        }

        @Override
        public boolean matches(MethodShape method) {
            return index < method.parameterCount() && type.matches(method.parameterType(index));
        }

        @Override
        public String toString() {
            return "takesArgument(" + index + ", " + type + ")";
        }
    }

    private static final class Returns implements Matcher<MethodShape> {
        private final Matcher<? super TypeShape> type;

        Returns(Matcher<? super TypeShape> type) {
            this.type = type;
        }

        @Override
        public boolean matches(MethodShape method) {
            return type.matches(method.returnType());
        }

        @Override
        public String toString() {
            return "returns(" + type + ")";
        }
    }

    private static final class FieldType implements Matcher<FieldShape> {
        private final Matcher<? super TypeShape> type;

        FieldType(Matcher<? super TypeShape> type) {
            this.type = type;
        }

        @Override
        public boolean matches(FieldShape field) {
            return type.matches(field.type());
        }

        @Override
        public String toString() {
            return "fieldType(" + type + ")";
        }
    }

    private static final class DeclaresMethod implements Matcher<TypeShape> {
        private final Matcher<? super MethodShape> method;

        DeclaresMethod(Matcher<? super MethodShape> method) {
            this.method = method;
        }

        @Override
        public boolean matches(TypeShape type) {
            for (MethodShape m : type.declaredMethods()) {
                if (method.matches(m)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "declaresMethod(" + method + ")";
        }
    }

    private static final class DeclaresField implements Matcher<TypeShape> {
        private final Matcher<? super FieldShape> field;

        DeclaresField(Matcher<? super FieldShape> field) {
            this.field = field;
        }

        @Override
        public boolean matches(TypeShape type) {
            for (FieldShape f : type.declaredFields()) {
                if (field.matches(f)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "declaresField(" + field + ")";
        }
    }

    private static final class AnnotatedWith implements Matcher<TypeShape> {
        private final Matcher<? super TypeShape> annotationType;

        AnnotatedWith(Matcher<? super TypeShape> annotationType) {
            this.annotationType = annotationType;
        }

        @Override
        public boolean matches(TypeShape type) {
            for (String name : type.annotationTypes()) {
                if (annotationType.matches(type.describeRelated(name))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "isAnnotatedWith(" + annotationType + ")";
        }
    }
}
