package io.mcpegress.instrumentation.api.type;

import io.mcpegress.instrumentation.api.match.Matcher;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;

import static io.mcpegress.instrumentation.api.match.Matchers.declaresField;
import static io.mcpegress.instrumentation.api.match.Matchers.declaresMethod;
import static io.mcpegress.instrumentation.api.match.Matchers.fieldType;
import static io.mcpegress.instrumentation.api.match.Matchers.isAnnotatedWith;
import static io.mcpegress.instrumentation.api.match.Matchers.isBridge;
import static io.mcpegress.instrumentation.api.match.Matchers.isConstructor;
import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.namedOneOf;
import static io.mcpegress.instrumentation.api.match.Matchers.not;
import static io.mcpegress.instrumentation.api.match.Matchers.returns;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArguments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Class shapes read from class files, and the matchers the modules evaluate on them. */
class TypeShapesTest {

    @Retention(RetentionPolicy.RUNTIME)
    @interface Marker {
    }

    static class Parent {
        protected java.net.Proxy proxy;
        private int hidden;
    }

    @Marker
    static class Sample extends Parent implements java.util.function.Function<String, String> {
        static final String CONSTANT = "c";
        private java.net.URL url;

        Sample(java.net.URL url, int port) {
            this.url = url;
        }

        long sum(int a, long b, String[] names) {
            return a + b;
        }

        @Override
        public String apply(String s) {
            return s;
        }
    }

    private final TypeShapes shapes = new TypeShapes(getClass().getClassLoader());

    @Test
    void aClassShapeHasTheMembersSuperclassAndAnnotationsOfItsClassFile() {
        TypeShape sample = shapes.describe(Sample.class.getName());

        assertThat(sample.name()).isEqualTo(Sample.class.getName());
        assertThat(sample.internalName()).isEqualTo(Sample.class.getName().replace('.', '/'));
        assertThat(sample.superClass().name()).isEqualTo(Parent.class.getName());
        assertThat(sample.superClass().superClass().name()).isEqualTo("java.lang.Object");
        assertThat(sample.superClass().superClass().superClass()).isNull();
        assertThat(sample.annotationTypes()).containsExactly(Marker.class.getName());
        assertThat(sample.declaredFields()).extracting(FieldShape::name).containsExactly("CONSTANT", "url");
        assertThat(sample.declaredFields().get(0).isStatic()).isTrue();
        assertThat(sample.declaredFields().get(1).isPrivate()).isTrue();
        assertThat(sample.declaredFields().get(1).type().name()).isEqualTo("java.net.URL");
        assertThat(sample.declaredMethods()).extracting(MethodShape::name)
                .contains("<init>", "sum", "apply");

        MethodShape sum = method(sample, "sum");
        assertThat(sum.parameterCount()).isEqualTo(3);
        assertThat(sum.parameterTypes()).extracting(TypeShape::name).containsExactly("int", "long", "[Ljava.lang.String;");
        assertThat(sum.returnType().name()).isEqualTo("long");
        assertThat(sum.returnType().declaredMethods()).as("a primitive has no members").isEmpty();
        assertThat(sample.declaredMethods()).filteredOn(MethodShape::isBridge).hasSize(1)
                .allMatch(MethodShape::isSynthetic);
    }

    @Test
    void aClassFileGivenByTheJvmWinsOverTheLoadersCopyAndRelatedClassesComeFromTheLoader() throws IOException {
        byte[] parentBytes = classFile(Parent.class);
        TypeShapes given = new TypeShapes(getClass().getClassLoader(), Sample.class.getName(), parentBytes);
        // the given bytes are Parent's: "Sample" as the JVM handed it over has Parent's members
        assertThat(given.describe(Sample.class.getName()).declaredFields()).extracting(FieldShape::name)
                .containsExactly("proxy", "hidden");
        assertThat(given.describe("java.net.Proxy").declaredMethods()).extracting(MethodShape::name).contains("type");
    }

    @Test
    void aClassWithoutClassFileIsNamedButHasNoMembersToRead() {
        TypeShape missing = shapes.describe("no.such.Type");
        assertThat(missing.name()).isEqualTo("no.such.Type");
        assertThatThrownBy(missing::declaredMethods).hasMessage("cannot read the class file of no.such.Type");
    }

    @Test
    void theMatchersReadLikeByteBuddysAndSelectTheSameMembers() {
        TypeShape sample = shapes.describe(Sample.class.getName());
        Matcher<MethodShape> sum = named("sum").and(takesArguments(3)).and(takesArgument(0, named("int")))
                .and(returns(named("long")));
        assertThat(sample.declaredMethods()).filteredOn(sum::matches).extracting(MethodShape::name).containsExactly("sum");
        assertThat(sample.declaredMethods()).filteredOn(isConstructor().and(takesArgument(0, named("java.net.URL")))::matches)
                .hasSize(1);
        assertThat(sample.declaredMethods()).filteredOn(namedOneOf("apply", "sum").and(not(isBridge()))::matches)
                .extracting(MethodShape::descriptor)
                .containsExactlyInAnyOrder("(Ljava/lang/String;)Ljava/lang/String;", "(IJ[Ljava/lang/String;)J");
        assertThat(takesArgument(5, named("int")).matches(method(sample, "sum"))).as("no such argument").isFalse();

        assertThat(declaresField(named("url").and(fieldType(named("java.net.URL")))).matches(sample)).isTrue();
        assertThat(declaresField(named("proxy")).matches(sample)).as("declared by the superclass").isFalse();
        assertThat(declaresMethod(named("apply")).matches(sample)).isTrue();
        assertThat(isAnnotatedWith(named(Marker.class.getName())).matches(sample)).isTrue();
        assertThat(isAnnotatedWith(named("kotlin.Metadata")).or(named("x")).matches(sample)).isFalse();

        assertThat(named("sum").and(takesArguments(3)).and(takesArgument(0, named("int"))))
                .hasToString("((named(sum) and takesArguments(3)) and takesArgument(0, named(int)))");
    }

    private static MethodShape method(TypeShape type, String name) {
        List<MethodShape> found = type.declaredMethods().stream().filter(m -> m.name().equals(name)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static byte[] classFile(Class<?> c) throws IOException {
        try (InputStream in = c.getClassLoader().getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }
}
