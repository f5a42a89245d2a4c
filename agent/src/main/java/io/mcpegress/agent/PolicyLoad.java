package io.mcpegress.agent;

import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigKey;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyFileCache;

/**
 * Builds the policy on its own thread while premain opens the sinks and loads the modules. Reading a policy file is premain's longest step (SnakeYAML's classes are loaded and
 * run interpreted: ~50 ms for 50 rules on a 2-core machine; the start-up cache spares that when
 * the file is unchanged), and at start-up a second core is mostly idle. {@link #await} hands back the policy, or throws the configuration error, exactly as
 * building it in place would have; premain awaits it before any hook can reach a dispatcher.
 */
final class PolicyLoad implements Runnable {

    private final AgentConfig config;
    private final PolicyFileCache.Store cache;
    private final Thread thread;
    private Policy policy; // written by the loading thread, read after join(): join orders them
    private Throwable failure;

    private PolicyLoad(AgentConfig config, PolicyFileCache.Store cache, boolean background) {
        this.config = config;
        this.cache = cache;
        this.thread = background ? new Thread(this, "mcp-egress-policy-load") : null;
    }

    /**
     * Starts reading the policy; without a policy file it is built at once (nothing to wait for).
     *
     * @param cache the start-up cache for the policy file's document tree, or null
     */
    static PolicyLoad start(AgentConfig config, PolicyFileCache.Store cache) {
        String file = config.value(ConfigKey.POLICY_FILE);
        PolicyLoad load = new PolicyLoad(config, cache, file != null && !file.isBlank());
        if (load.thread == null) {
            load.run();
        } else {
            load.thread.setDaemon(true);
            load.thread.start();
        }
        return load;
    }

    @Override
    public void run() {
        try {
            policy = Policy.fromConfig(config, cache);
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** @throws io.mcpegress.agent.config.ConfigException for an invalid policy, as {@link Policy#fromConfig} does */
    Policy await() {
        if (thread != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // premain cannot go on without the policy: wait, then restore the flag
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return policy;
    }
}
