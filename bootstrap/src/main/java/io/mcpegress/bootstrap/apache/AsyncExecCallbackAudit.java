package io.mcpegress.bootstrap.apache;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Ends an audited exchange from the callback through which Apache HttpClient 5's async exec chain
 * reports it ({@code org.apache.hc.client5.http.async.AsyncExecCallback}): {@code handleResponse}
 * (the final response head of this hop) or {@code failed}. Everything is passed on unchanged.
 *
 * <p>Advice cannot define classes in the application's class loader, so the wrapper is a
 * {@link Proxy} for the library's own interface with this handler, which lives on the bootstrap
 * class path and therefore only talks to the library reflectively (public interface methods
 * only: {@code HttpResponse.getCode()}, {@code HttpMessage.getVersion()}).
 */
public final class AsyncExecCallbackAudit implements InvocationHandler {

    /** Per response interface: its {@code getCode()} and {@code getVersion()} methods. */
    private static final ClassValue<Method[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> responseType) {
            try {
                return new Method[] {responseType.getMethod("getCode"), responseType.getMethod("getVersion")};
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    };

    private final Object delegate;
    private final Object handle;
    private final Object context;
    private final String deniedAttribute;
    private final Object[] deniedMemo;

    private AsyncExecCallbackAudit(Object delegate, Object handle, Object context, String deniedAttribute,
                                   Object[] deniedMemo) {
        this.delegate = delegate;
        this.handle = handle;
        this.context = context;
        this.deniedAttribute = deniedAttribute;
        this.deniedMemo = deniedMemo;
    }

    /**
     * A {@code callbackType} that behaves like {@code callback} and also ends {@code handle};
     * {@code callback} itself when there is nothing to audit or the wrapper cannot be made.
     */
    public static Object wrap(Class<?> callbackType, Object callback, Object handle) {
        return wrap(callbackType, callback, handle, null, null, null);
    }

    /**
     * Like {@link #wrap(Class, Object, Object)}; when the exchange fails because the socket guard
     * refused its connection at connect time, also stores {@code deniedMemo} with the denial as its
     * last element under {@code deniedAttribute} in {@code context} (an {@code HttpContext}), so
     * the retry exec's retry of the same request gets the denial without connecting again.
     */
    public static Object wrap(Class<?> callbackType, Object callback, Object handle, Object context,
                              String deniedAttribute, Object[] deniedMemo) {
        if (handle == null || callback == null || callbackType == null || !callbackType.isInterface()) {
            return callback;
        }
        try {
            return Proxy.newProxyInstance(callbackType.getClassLoader(), new Class<?>[] {callbackType},
                    new AsyncExecCallbackAudit(callback, handle, context, deniedAttribute, deniedMemo));
        } catch (Throwable t) {
            // counted, so tests see it; the call itself goes on unaudited rather than misreported
            EgressHooks.adviceFailed(t);
            return callback;
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "audited(" + delegate + ")";
                default:
                    break;
            }
        }
        int arity = args == null ? 0 : args.length;
        if (arity == 2 && method.getName().equals("handleResponse")) {
            responseArrived(method.getParameterTypes()[0], args[0]);
        } else if (arity == 1 && method.getName().equals("failed") && args[0] instanceof Throwable) {
            EgressHooks.exchangeEnd(handle, 0, null, (Throwable) args[0]);
            rememberConnectDenial((Throwable) args[0]);
        }
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void rememberConnectDenial(Throwable failure) {
        if (context == null || deniedMemo == null || deniedMemo.length == 0) {
            return;
        }
        try {
            EgressDeniedException denied = EgressDeniedException.lateDenial(failure);
            if (denied != null) {
                deniedMemo[deniedMemo.length - 1] = denied;
                context.getClass().getMethod("setAttribute", String.class, Object.class)
                        .invoke(context, deniedAttribute, deniedMemo);
            }
        } catch (Throwable t) {
            EgressHooks.adviceFailed(t);
        }
    }

    private void responseArrived(Class<?> responseType, Object response) {
        try {
            Method[] accessors = ACCESSORS.get(responseType);
            int status = (Integer) accessors[0].invoke(response);
            Object version = accessors[1].invoke(response);
            EgressHooks.exchangeEnd(handle, status, versionText(version), null);
        } catch (Throwable t) {
            EgressHooks.adviceFailed(t);
        }
    }

    /** "1.1", or "2" for HTTP/2 (ProtocolVersion prints as "HTTP/2.0"). */
    private static String versionText(Object version) {
        if (version == null) {
            return null;
        }
        String s = version.toString();
        int slash = s.indexOf('/');
        String number = slash >= 0 ? s.substring(slash + 1) : s;
        return number.startsWith("2") || number.startsWith("3") ? number.substring(0, 1) : number;
    }
}
