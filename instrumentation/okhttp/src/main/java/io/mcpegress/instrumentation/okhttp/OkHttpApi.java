package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.instrumentation.api.type.FieldShape;
import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.match.Matcher;

import java.util.function.Consumer;

import static io.mcpegress.instrumentation.api.match.Matchers.declaresMethod;
import static io.mcpegress.instrumentation.api.match.Matchers.isConstructor;

/**
 * The OkHttp members the advice relies on, checked when a class is about to be instrumented. The
 * advice is inlined into OkHttp's own classes, so a member missing in some version would otherwise
 * only show up as a failing call at run time (counted and swallowed) or, for a method matcher, as a
 * silent skip. Here it fails the transformation with a message naming the member, and the agent
 * logs that the class is NOT routed or audited.
 *
 * <p>The checks only run for a type that already matched by exact name, and navigate from it
 * through the signatures (ConnectInterceptor.intercept's parameter is the Chain, whose request()
 * returns the Request, ...), so they read exactly the classes this class loader would link.
 */
final class OkHttpApi {

    static final String CHAIN = "okhttp3.Interceptor$Chain";
    private static final String REQUEST = "okhttp3.Request";
    private static final String RESPONSE = "okhttp3.Response";
    private static final String HTTP_URL = "okhttp3.HttpUrl";
    private static final String PROTOCOL = "okhttp3.Protocol";

    private OkHttpApi() {
    }

    /** {@code okhttp3.Address}: fields {@code url} and {@code proxy}; the url's scheme, host and port. */
    static Matcher<TypeShape> address() {
        return new Requirement(address -> {
            if (!declaresMethod(isConstructor()).matches(address)) {
                throw missing(address, "a constructor");
            }
            TypeShape url = field(address, "url", HTTP_URL).type();
            field(address, "proxy", "java.net.Proxy");
            method(url, "scheme", "java.lang.String");
            method(url, "host", "java.lang.String");
            method(url, "port", "int");
        });
    }

    /**
     * {@code ConnectInterceptor.intercept(Chain)} returning a Response; chain.request(),
     * request.method(), the url's scheme(), host(), port(), encodedPath(), encodedQuery() and
     * encodedUsername(), response.code(), response.protocol().
     */
    static Matcher<TypeShape> connectInterceptor() {
        return new Requirement(interceptor -> {
            MethodShape intercept = method(interceptor, "intercept", RESPONSE, CHAIN);
            TypeShape chain = intercept.parameterType(0);
            TypeShape request = method(chain, "request", REQUEST).returnType();
            method(request, "method", "java.lang.String");
            TypeShape url = method(request, "url", HTTP_URL).returnType();
            for (String part : new String[] {"scheme", "host", "encodedPath", "encodedQuery", "encodedUsername"}) {
                method(url, part, "java.lang.String");
            }
            method(url, "port", "int");
            TypeShape response = intercept.returnType();
            method(response, "code", "int");
            method(response, "protocol", PROTOCOL);
        });
    }

    private static MethodShape method(TypeShape type, String name, String returnType, String... parameters) {
        for (MethodShape m : type.declaredMethods()) {
            if (!m.name().equals(name) || m.parameterCount() != parameters.length || !m.returnType().name().equals(returnType)) {
                continue;
            }
            boolean same = true;
            for (int i = 0; i < parameters.length; i++) {
                same &= m.parameterType(i).name().equals(parameters[i]);
            }
            if (same && !m.isStatic()) {
                return m;
            }
        }
        throw missing(type, "method " + returnType + " " + name + "(" + String.join(", ", parameters) + ")");
    }

    private static FieldShape field(TypeShape type, String name, String fieldType) {
        for (FieldShape f : type.declaredFields()) {
            if (f.name().equals(name) && !f.isStatic() && f.type().name().equals(fieldType)) {
                return f;
            }
        }
        throw missing(type, "field " + fieldType + " " + name);
    }

    private static IllegalStateException missing(TypeShape type, String member) {
        return new IllegalStateException("unsupported OkHttp version: " + type.name() + " has no " + member);
    }

    /** Matches when the check passes; throws (reported by the agent) when the OkHttp API differs. */
    private static final class Requirement implements Matcher<TypeShape> {
        private final Consumer<TypeShape> check;

        Requirement(Consumer<TypeShape> check) {
            this.check = check;
        }

        @Override
        public boolean matches(TypeShape type) {
            check.accept(type);
            return true;
        }
    }
}
