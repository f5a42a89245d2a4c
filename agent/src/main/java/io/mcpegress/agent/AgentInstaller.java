package io.mcpegress.agent;

import io.mcpegress.agent.audit.AgentEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.ChainableEncoder;
import io.mcpegress.agent.audit.ChainedEncoder;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.IntegrityKey;
import io.mcpegress.agent.audit.OcsfEncoder;
import io.mcpegress.agent.audit.sink.FanOutSink;
import io.mcpegress.agent.audit.sink.SinkConfig;
import io.mcpegress.agent.audit.sink.SinkFactory;
import io.mcpegress.agent.audit.sink.SpooledSink;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;
import io.mcpegress.agent.config.ConfigLoader;
import io.mcpegress.agent.config.FatalStartupException;
import io.mcpegress.agent.dispatch.AgentDispatcher;
import io.mcpegress.agent.dispatch.ClientNames;
import io.mcpegress.agent.dispatch.FaultInjectingDispatcher;
import io.mcpegress.agent.guard.SocketGuardInstaller;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyReloader;
import io.mcpegress.agent.routing.Router;
import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.instrumentation.api.InstrumentationModule;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Starts the agent inside its own class loader: configuration, audit pipeline, dispatcher, then
 * the bytecode transformations. Called reflectively by {@code AgentPremain}.
 */
public final class AgentInstaller {

    private AgentInstaller() {
    }

    public static void install(String agentArgs, Instrumentation inst, File agentJar) {
        long started = System.nanoTime();
        StringBuilder phases = new StringBuilder(); // start-up phase timings, logged with debug
        AgentConfig config;
        Policy policy;
        FanOutSink sinks;
        SinkConfig sinkConfig;
        long policyReloadMillis;
        AuditPipeline pipeline;
        SocketGuardInstaller socketGuard; // socket guard
        WeaveCache weaveCache;
        List<InstrumentationModule> modules = new ArrayList<>();
        FanOutSink opened = null;
        try {
            config = ConfigLoader.load(agentArgs, System.getProperties(), System.getenv());
            if (!config.enabled()) {
                AgentLog.info(AgentVersion.get() + " disabled (" + ConfigKey.ENABLED.key() + "=false): nothing is routed or audited");
                return;
            }
            long t0 = System.nanoTime();
            weaveCache = WeaveCache.open(weaveCacheRoot(config), agentJar);
            // a policy file is read on another core meanwhile, its parsed form from the cache when unchanged
            PolicyLoad policyLoad = PolicyLoad.start(config, weaveCache.enabled() ? weaveCache : null);
            if (!weaveCache.warm() && WeaverWarmUp.hasSpareCore()) {
                WeaverWarmUp.start(); // loads the weaver on another core while the pipeline opens
            }
            socketGuard = SocketGuardInstaller.fromConfig(config); // socket guard
            policyReloadMillis = SinkConfig.duration(config, ConfigKey.POLICY_RELOAD_INTERVAL, 0, 3_600_000);
            sinkConfig = SinkConfig.from(config);
            sinks = opened = SinkFactory.create(config);
            pipeline = openPipeline(config, sinkConfig, sinks);
            long t1 = System.nanoTime();
            modules.addAll(InstrumentationModules.load(AgentInstaller.class.getClassLoader()));
            socketGuard.filter(modules); // socket guard: not woven when off
            JdkModules.prepare(inst, modules);
            long t2 = System.nanoTime();
            policy = policyLoad.await();
            phases.append(" config=").append(ms(started, t0)).append(" cache+sinks+pipeline=").append(ms(t0, t1))
                    .append(" modules=").append(ms(t1, t2)).append(" policy-wait=").append(ms(t2, System.nanoTime()));
        } catch (ConfigException e) {
            closeQuietly(opened);
            if (continueOnError(agentArgs)) {
                AgentLog.warn("invalid configuration, starting WITHOUT egress control because "
                        + ConfigKey.STARTUP_ON_ERROR.key() + "=continue: " + e.getMessage());
                return;
            }
            throw new FatalStartupException("invalid configuration: " + e.getMessage()
                    + " (the JVM was stopped; set " + ConfigKey.STARTUP_ON_ERROR.key() + "=continue to start without the agent)");
        }
        AgentLog.setDebug(config.debug());

        pipeline.spooledCount(() -> sinks.sinks().stream().filter(SpooledSink.class::isInstance)
                .mapToLong(s -> ((SpooledSink) s).spooledCount()).sum());
        pipeline.start();
        startPolicyReload(config, policy, pipeline, policyReloadMillis);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            closeQuietly(sinks);
        }, "mcp-egress-shutdown"));

        Router router = new Router(config.proxy().orElse(null), config.bypass());
        boolean enforce = config.mode() == AgentConfig.Mode.ENFORCE;
        EgressHooks.install(config.injectFaults() ? new FaultInjectingDispatcher()
                : socketGuard.install(router, policy, sinks, pipeline, // socket guard: wraps the dispatcher
                new AgentDispatcher(router, policy, enforce, pipeline, new ClientNames())));

        long t1 = System.nanoTime();
        List<String> names = new ArrayList<>();
        for (InstrumentationModule m : modules) {
            names.add(m.name());
        }
        String proxy = config.proxy().isPresent() ? config.proxy().get().toString() : null;
        String mode = config.mode().name().toLowerCase(Locale.ROOT);
        // first event of the run, before the library events the transformations produce
        pipeline.offer(AgentEvent.start(config::configHash, mode, proxy, names,
                AgentVersion.get() + " started: mode=" + mode + " proxy=" + (proxy == null ? "none" : proxy)
                        + " policy=" + policy.describe()));
        long t2 = System.nanoTime();
        new Transformations(modules, pipeline, weaveCache).installOn(inst);
        long t3 = System.nanoTime();
        phases.append(" through-hooks=").append(ms(started, t1)).append(" start-event=").append(ms(t1, t2))
                .append(" transformations=").append(ms(t2, t3));
        AgentLog.debug("start-up phases (ms):" + phases);

        AgentLog.info(AgentVersion.get() + " started in " + (System.nanoTime() - started) / 1_000_000 + " ms: proxy="
                + config.proxy().map(Object::toString).orElse("none (audit only)")
                + " bypass=" + config.bypass()
                + " mode=" + config.mode().name().toLowerCase(Locale.ROOT)
                + " policy=" + policy.describe()
                + " socket-guard=" + socketGuard.describe()
                + " audit=" + pipeline.describeSink() + " (" + config.auditFormat() + ")"
                + " clients=" + names);
    }

    private static String ms(long from, long to) {
        return Long.toString((to - from) / 1_000_000);
    }

    private static AuditPipeline openPipeline(AgentConfig config, SinkConfig sinkConfig, FanOutSink sinks) {
        String serviceName = config.serviceName().orElseGet(ProcessIdentity::deriveServiceName);
        boolean ocsf = config.auditFormat().equals("ocsf");
        // read now: a missing key file is a configuration error that must stop the start
        byte[] key = IntegrityKey.load(config.value(ConfigKey.AUDIT_INTEGRITY_KEY_ENV), config.value(ConfigKey.AUDIT_INTEGRITY_KEY_FILE),
                System.getenv(), ConfigKey.AUDIT_INTEGRITY_KEY_ENV.key(), ConfigKey.AUDIT_INTEGRITY_KEY_FILE.key());
        // built on the writer thread: host name, JCA and SecureRandom are not the application's wait
        return new AuditPipeline(config.queueCapacity(), () -> {
            ProcessIdentity identity = new ProcessIdentity(serviceName, AgentVersion.get());
            ChainableEncoder schema = ocsf ? new OcsfEncoder(identity) : new EcsEncoder(identity);
            return new ChainedEncoder(schema, key);
        }, sinks, sinkConfig.overflow(), sinkConfig.heartbeatMillis());
    }

    /** {@code mcp.egress.weave-cache}, or {@link WeaveCache#defaultRoot()}; null for {@code none}. */
    static java.nio.file.Path weaveCacheRoot(AgentConfig config) throws ConfigException {
        String value = config.value(ConfigKey.WEAVE_CACHE);
        if (value != null && value.trim().equalsIgnoreCase("none")) {
            return null;
        }
        if (value != null && !value.isBlank()) {
            try {
                return java.nio.file.Path.of(value.trim());
            } catch (java.nio.file.InvalidPathException e) {
                throw ConfigException.invalid(ConfigKey.WEAVE_CACHE.key(), value, ConfigKey.WEAVE_CACHE.expected());
            }
        }
        return WeaveCache.defaultRoot();
    }

    /** A policy file is watched and reloaded on change unless the interval is 0. */
    private static void startPolicyReload(AgentConfig config, Policy policy, AuditPipeline pipeline, long interval) {
        String file = config.value(ConfigKey.POLICY_FILE);
        if (file != null && !file.isBlank() && interval > 0) {
            new PolicyReloader(policy, java.nio.file.Path.of(file.trim()), Math.max(1_000, interval), pipeline).start();
        }
    }

    private static void closeQuietly(FanOutSink sinks) {
        if (sinks == null) {
            return;
        }
        try {
            sinks.close();
        } catch (Exception e) {
            AgentLog.warn("closing audit sinks: " + e);
        }
    }

    /** Read straight from the sources: the rest of the configuration may be what is broken. */
    private static boolean continueOnError(String agentArgs) {
        String key = ConfigKey.STARTUP_ON_ERROR.key();
        String value = null;
        if (agentArgs != null) {
            for (String pair : agentArgs.split(";")) {
                int eq = pair.indexOf('=');
                String k = eq > 0 ? pair.substring(0, eq).trim() : "";
                if (k.equals(key) || ("mcp.egress." + k).equals(key)) {
                    value = pair.substring(eq + 1).trim();
                }
            }
        }
        if (value == null) {
            value = System.getProperty(key);
        }
        if (value == null) {
            Map<String, String> env = System.getenv();
            value = env.get(ConfigKey.STARTUP_ON_ERROR.envName());
        }
        return value != null && value.trim().equalsIgnoreCase("continue");
    }
}
