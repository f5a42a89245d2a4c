package io.mcpegress.testkit;

/** Trivial program for {@link ChildJvmTest}. */
public final class HelloMain {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("sleep")) {
            Thread.sleep(60_000);
        }
        System.out.println("hello " + String.join(",", args));
        System.out.println("prop=" + System.getProperty("testkit.prop"));
        System.out.println("env=" + System.getenv("TESTKIT_ENV"));
        System.out.println("feature=" + Runtime.version().feature());
        System.err.println("to stderr");
        System.exit(3);
    }
}
