package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditSink;
import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;
import io.mcpegress.agent.util.AgentLog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the audit sinks named by {@code mcp.egress.audit.sinks} from the agent configuration.
 *
 * <pre>{@code
 * FanOutSink sinks = SinkFactory.create(config);          // ConfigException on a bad value
 * internalDestinations.addAll(sinks.endpoints());          // never audit/proxy the sinks' own traffic
 * AuditPipeline pipeline = new AuditPipeline(capacity, encoder, sinks);
 * // shutdown hook: pipeline.close(); then sinks.close() (drains the HTTP sink's buffer)
 * }</pre>
 *
 * Nothing here touches the network: syslog connects at the first write, the HTTP sink on its
 * own thread. Only host names of network sinks are resolved (for {@link FanOutSink#endpoints()}).
 */
public final class SinkFactory {

    private SinkFactory() {
    }

    /**
     * @throws ConfigException for any invalid or inconsistent sink setting, a stdout sink in a
     *                         stdio MCP server, an audit file that cannot be opened, or an
     *                         unreadable CA/token file
     */
    public static FanOutSink create(AgentConfig config) {
        return create(SinkConfig.from(config), System.getenv());
    }

    static FanOutSink create(AgentConfig config, Map<String, String> env) {
        return create(SinkConfig.from(config, env), env);
    }

    static FanOutSink create(SinkConfig c, Map<String, String> env) {
        List<AuditSink> sinks = new ArrayList<>();
        try {
            for (SinkConfig.Kind kind : c.kinds) {
                sinks.add(spooled(kind, build(kind, c, env), c));
            }
        } catch (RuntimeException e) {
            for (AuditSink s : sinks) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
            throw e;
        }
        return new FanOutSink(sinks);
    }

    /**
     * Network sinks that can lose events to an outage (HTTP, syslog over TCP/TLS) get an on-disk
     * spool in front, unless {@code mcp.egress.audit.spool.dir=none}. UDP syslog cannot tell a
     * delivered datagram from a lost one, so a spool would change nothing there.
     */
    private static AuditSink spooled(SinkConfig.Kind kind, AuditSink sink, SinkConfig c) {
        boolean http = kind == SinkConfig.Kind.HTTP;
        boolean stream = kind == SinkConfig.Kind.SYSLOG && c.syslogTransport != SyslogSink.Transport.UDP;
        if (c.spoolDir == null || !(http || stream)) {
            return sink;
        }
        Path dir = c.spoolDir.resolve(http ? "http" : "syslog");
        try {
            DiskSpool spool = DiskSpool.openFirstFree(dir, c.spoolMaxBytes);
            return new SpooledSink(sink, spool, c.overflow, http ? c.httpBatchSize : 512,
                    http ? c.httpBatchBytes : 1L << 20, http ? c.httpFlushIntervalMillis : 0,
                    c.fileFsyncIntervalMillis, 5_000);
        } catch (IOException | RuntimeException e) {
            try {
                sink.close();
            } catch (Exception ignored) {
                // already failing
            }
            throw ConfigException.invalid(ConfigKey.AUDIT_SPOOL_DIR.key(), c.spoolDir.toString(),
                    "a writable directory (" + e + ")");
        }
    }

    private static AuditSink build(SinkConfig.Kind kind, SinkConfig c, Map<String, String> env) {
        switch (kind) {
            case FILE:
                try {
                    return RotatingFileSink.builder(c.file)
                            .maxBytes(c.fileMaxBytes)
                            .rotation(c.fileRotation)
                            .retention(c.fileRetention)
                            .fsync(c.fileFsync)
                            .fsyncIntervalMillis(c.fileFsyncIntervalMillis)
                            .open();
                } catch (IOException | RuntimeException e) {
                    throw ConfigException.invalid(ConfigKey.AUDIT_FILE.key(), c.file.toString(),
                            ConfigKey.AUDIT_FILE.expected() + " (" + e + ")");
                }
            case STDERR:
                return new StderrSink();
            case STDOUT:
                try {
                    return StdoutSink.create(c.stdioServer);
                } catch (IllegalStateException e) {
                    throw ConfigException.invalid(ConfigKey.AUDIT_SINKS.key(), names(c),
                            "a list without stdout: this process looks like an MCP server on the stdio transport,"
                                    + " whose stdout carries JSON-RPC (use stderr or file, or set "
                                    + ConfigKey.STDIO_SERVER.key() + "=false if it is not one)");
                }
            case SYSLOG:
                try {
                    SyslogSink.Builder b = SyslogSink.builder(c.syslogTransport, c.syslogHost, c.syslogPort)
                            .facility(c.syslogFacility);
                    if (c.syslogCaFile != null) {
                        b.caFile(c.syslogCaFile);
                    }
                    return b.build();
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    throw ConfigException.invalid(ConfigKey.AUDIT_SYSLOG_CA_FILE.key(), String.valueOf(c.syslogCaFile),
                            ConfigKey.AUDIT_SYSLOG_CA_FILE.expected() + " (" + e.getMessage() + ")");
                }
            case HTTP:
                return http(c, env);
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private static AuditSink http(SinkConfig c, Map<String, String> env) {
        Supplier<String> token = null;
        if (c.httpTokenEnv != null) {
            String value = env.get(c.httpTokenEnv).trim();
            token = () -> value;
        } else if (c.httpTokenFile != null) {
            token = new TokenFile(c.httpTokenFile);
            if (token.get() == null) {
                throw ConfigException.invalid(ConfigKey.AUDIT_HTTP_TOKEN_FILE.key(), c.httpTokenFile.toString(),
                        ConfigKey.AUDIT_HTTP_TOKEN_FILE.expected() + " (it is empty)");
            }
        }
        if (token != null && c.httpUrl.getScheme().equalsIgnoreCase("http")) {
            AgentLog.warn(ConfigKey.AUDIT_HTTP_URL.key() + " uses plain http: the audit token and events travel unencrypted");
        }
        HttpBatchSink.Builder b;
        try {
            b = HttpBatchSink.builder(c.httpUrl, c.httpFormat);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(ConfigKey.AUDIT_HTTP_URL.key(), c.httpUrl.toString(),
                    ConfigKey.AUDIT_HTTP_URL.expected());
        }
        try {
            b.token(token)
                    .gzip(c.httpGzip)
                    .maxEvents(c.httpBatchSize)
                    .maxBytes(c.httpBatchBytes)
                    .maxDelayMillis(c.httpFlushIntervalMillis)
                    .maxRetries(c.httpMaxRetries)
                    .bufferBytes(c.httpBufferBytes)
                    .index(c.httpIndex);
            if (c.httpAuthScheme != null) {
                b.authScheme(c.httpAuthScheme);
            }
            if (c.httpCaFile != null) {
                b.caFile(c.httpCaFile);
            }
            return b.start();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw ConfigException.invalid(ConfigKey.AUDIT_HTTP_CA_FILE.key(), String.valueOf(c.httpCaFile),
                    ConfigKey.AUDIT_HTTP_CA_FILE.expected() + " (" + e.getMessage() + ")");
        }
    }

    private static String names(SinkConfig c) {
        List<String> out = new ArrayList<>();
        c.kinds.forEach(k -> out.add(k.name().toLowerCase(java.util.Locale.ROOT)));
        return String.join(",", out);
    }

    /** The token file, read again whenever its modification time changes (a rotated secret). */
    static final class TokenFile implements Supplier<String> {
        private final Path path;
        private long modified = Long.MIN_VALUE;
        private String token;

        TokenFile(Path path) {
            this.path = path;
        }

        @Override
        public synchronized String get() {
            try {
                long m = Files.getLastModifiedTime(path).toMillis();
                if (m != modified || token == null) {
                    String t = Files.readString(path, StandardCharsets.UTF_8).trim();
                    token = t.isEmpty() ? null : t;
                    modified = m;
                }
            } catch (IOException | RuntimeException e) {
                AgentLog.warnOnce("http-token-file", "cannot read " + ConfigKey.AUDIT_HTTP_TOKEN_FILE.key() + " "
                        + path + ": " + e.getClass().getSimpleName() + "; using the last token read");
            }
            return token;
        }
    }
}
