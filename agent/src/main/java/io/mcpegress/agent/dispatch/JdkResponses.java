package io.mcpegress.agent.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.http.HttpClient;

/**
 * Reads status and version from {@code jdk.internal.net.http.Response}, the object an Exchange's
 * response future completes with. The agent opens that package to itself at start-up.
 */
final class JdkResponses {

    private static final MethodHandle STATUS;
    private static final MethodHandle VERSION;

    static {
        MethodHandle status = null;
        MethodHandle version = null;
        try {
            Class<?> response = Class.forName("jdk.internal.net.http.Response", false, HttpClient.class.getClassLoader());
            Method s = response.getDeclaredMethod("statusCode");
            s.setAccessible(true);
            Method v = response.getDeclaredMethod("version");
            v.setAccessible(true);
            status = MethodHandles.lookup().unreflect(s);
            version = MethodHandles.lookup().unreflect(v);
        } catch (Throwable t) {
            // java.net.http absent or changed: events still carry everything but the status
        }
        STATUS = status;
        VERSION = version;
    }

    private JdkResponses() {
    }

    static int status(Object response) {
        if (response == null || STATUS == null) {
            return 0;
        }
        try {
            return (int) STATUS.invoke(response);
        } catch (Throwable t) {
            return 0;
        }
    }

    static String version(Object response) {
        if (response == null || VERSION == null) {
            return null;
        }
        try {
            Object v = VERSION.invoke(response);
            if (v == HttpClient.Version.HTTP_2) {
                return "2";
            }
            return v == HttpClient.Version.HTTP_1_1 ? "1.1" : null;
        } catch (Throwable t) {
            return null;
        }
    }
}
