package io.mcpegress.premain;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * Entry point named in the manifest. Deliberately tiny and dependency-free: it is loaded by the
 * application class loader, so it only puts the bootstrap classes on the boot class path and hands
 * over to the agent, which runs isolated in its own {@link AgentClassLoader}.
 */
public final class AgentPremain {

    /** Exit status when the agent refuses to let the JVM start (invalid configuration). */
    static final int EXIT_CONFIG_ERROR = 78;

    private AgentPremain() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    /**
     * {@code java -jar mcp-egress-agent.jar verify FILE...}: checks the audit hash chain. The
     * verifier runs in the agent's own class loader, like the agent, so nothing but this class is
     * loaded from the top level of the jar.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("verify")) {
            System.err.println("usage: java -jar mcp-egress-agent.jar verify [--key-env NAME | --key-file PATH] [--strict] FILE...");
            System.err.println("       (as an agent: java -javaagent:mcp-egress-agent.jar ...)");
            System.exit(2);
            return;
        }
        File jar = agentJar();
        try (JarFile jarFile = new JarFile(jar, false)) {
            AgentClassLoader loader = new AgentClassLoader(jarFile, jar.toURI().toURL());
            Method run = loader.loadClass("io.mcpegress.agent.audit.ChainVerifier")
                    .getMethod("run", String[].class, java.io.PrintStream.class);
            int status = (Integer) run.invoke(null, args, System.out);
            System.out.flush();
            System.exit(status);
        }
    }

    private static void start(String args, Instrumentation inst) {
        try {
            File jar = agentJar();
            JarFile jarFile = new JarFile(jar, false);
            inst.appendToBootstrapClassLoaderSearch(jarFile);
            AgentClassLoader loader = new AgentClassLoader(jarFile, jar.toURI().toURL());
            Class<?> installer = loader.loadClass("io.mcpegress.agent.AgentInstaller");
            Method install = installer.getMethod("install", String.class, Instrumentation.class, File.class);
            install.invoke(null, args, inst, jar);
        } catch (InvocationTargetException e) {
            fail(e.getCause());
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * The installer throws only for failures the operator asked to be fatal (the default for invalid
     * configuration); its message is the one line to print. Anything else is an agent bug.
     */
    private static void fail(Throwable t) {
        if (t != null && "io.mcpegress.agent.config.FatalStartupException".equals(t.getClass().getName())) {
            System.err.println("[mcp-egress-agent] " + t.getMessage());
            System.err.flush();
            System.exit(EXIT_CONFIG_ERROR);
            return;
        }
        System.err.println("[mcp-egress-agent] failed to start, the application runs WITHOUT egress control: " + t);
        if (Boolean.getBoolean("mcp.egress.debug") && t != null) {
            t.printStackTrace();
        }
    }

    private static File agentJar() throws URISyntaxException {
        return new File(AgentPremain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
