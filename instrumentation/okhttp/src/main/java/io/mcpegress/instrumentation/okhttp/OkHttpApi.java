package io.mcpegress.instrumentation.okhttp;

import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.function.Consumer;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

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
    static ElementMatcher<TypeDescription> address() {
        return new Requirement(address -> {
            if (address.getDeclaredMethods().filter(isConstructor()).isEmpty()) {
                throw missing(address, "a constructor");
            }
            TypeDescription url = field(address, "url", HTTP_URL).getType().asErasure();
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
    static ElementMatcher<TypeDescription> connectInterceptor() {
        return new Requirement(interceptor -> {
            MethodDescription intercept = method(interceptor, "intercept", RESPONSE, CHAIN);
            TypeDescription chain = intercept.getParameters().get(0).getType().asErasure();
            TypeDescription request = method(chain, "request", REQUEST).getReturnType().asErasure();
            method(request, "method", "java.lang.String");
            TypeDescription url = method(request, "url", HTTP_URL).getReturnType().asErasure();
            for (String part : new String[] {"scheme", "host", "encodedPath", "encodedQuery", "encodedUsername"}) {
                method(url, part, "java.lang.String");
            }
            method(url, "port", "int");
            TypeDescription response = intercept.getReturnType().asErasure();
            method(response, "code", "int");
            method(response, "protocol", PROTOCOL);
        });
    }

    private static MethodDescription method(TypeDescription type, String name, String returnType, String... parameters) {
        MethodList<MethodDescription.InDefinedShape> found = type.getDeclaredMethods()
                .filter(named(name).and(takesArguments(parameters.length)).and(returns(named(returnType))));
        for (MethodDescription.InDefinedShape m : found) {
            boolean same = true;
            for (int i = 0; i < parameters.length; i++) {
                same &= m.getParameters().get(i).getType().asErasure().getName().equals(parameters[i]);
            }
            if (same && !m.isStatic()) {
                return m;
            }
        }
        throw missing(type, "method " + returnType + " " + name + "(" + String.join(", ", parameters) + ")");
    }

    private static FieldDescription field(TypeDescription type, String name, String fieldType) {
        for (FieldDescription.InDefinedShape f : type.getDeclaredFields().filter(named(name))) {
            if (!f.isStatic() && f.getType().asErasure().getName().equals(fieldType)) {
                return f;
            }
        }
        throw missing(type, "field " + fieldType + " " + name);
    }

    private static IllegalStateException missing(TypeDescription type, String member) {
        return new IllegalStateException("unsupported OkHttp version: " + type.getName() + " has no " + member);
    }

    /** Matches when the check passes; throws (reported by the agent) when the OkHttp API differs. */
    private static final class Requirement implements ElementMatcher<TypeDescription> {
        private final Consumer<TypeDescription> check;

        Requirement(Consumer<TypeDescription> check) {
            this.check = check;
        }

        @Override
        public boolean matches(TypeDescription type) {
            check.accept(type);
            return true;
        }
    }
}
