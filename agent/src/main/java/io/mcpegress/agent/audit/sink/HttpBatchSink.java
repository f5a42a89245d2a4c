package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.AgentVersion;
import io.mcpegress.agent.audit.Redaction;
import io.mcpegress.agent.util.AgentLog;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Ships events in batches over HTTP(S) to Splunk HEC, an OTLP/HTTP logs endpoint or the
 * Elasticsearch {@code _bulk} API (see {@link HttpWireFormat} for each body).
 *
 * <p><b>Threads.</b> {@link #write} (writer thread) only copies the line into a bounded buffer
 * and returns. One daemon thread, {@code mcp-egress-http-sink}, forms batches, sends them with a
 * small built-in HTTP/1.1 client on plain sockets (never {@code java.net.http} or
 * {@code HttpURLConnection}, which the agent instruments) and retries. Batches leave in order,
 * one at a time, so events arrive in the order they were written.
 *
 * <p><b>Batching.</b> A batch leaves when it holds {@code maxEvents} events or {@code maxBytes}
 * bytes, or when its oldest event has waited {@code maxDelay}.
 *
 * <p><b>Retries.</b> Connection failures, timeouts, 429 and 5xx are retried with exponential
 * backoff and full jitter (honouring {@code Retry-After}), up to {@code maxRetries} times; other
 * statuses (400, 401, 403, 404, 413...) are not retried. Elasticsearch item failures retry only the
 * failed items. A batch that is given up is counted ({@link #undeliveredCount()}) and reported
 * by the next {@link #flush} as an {@link IOException}. When the buffer is full (receiver down
 * for long) {@link #write} fails and the event is counted as dropped.
 *
 * <p><b>Secrets.</b> The token is read from its {@link Supplier} for each request and appears
 * only in the {@code Authorization} header: never in {@link #describe}, logs or exceptions.
 *
 * <p>{@link #close} stops accepting events and waits up to {@code closeTimeout} for the buffer
 * to drain.
 */
public final class HttpBatchSink implements NetworkSink, BatchDelivery {

    public enum Format {
        SPLUNK_HEC("splunk-hec"), OTLP("otlp"), ELASTICSEARCH("elasticsearch");

        private final String wireName;

        Format(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** By {@link #wireName()}, case-insensitive; null when unknown. */
        public static Format byName(String name) {
            for (Format f : values()) {
                if (f.wireName.equalsIgnoreCase(name.trim())) {
                    return f;
                }
            }
            return null;
        }
    }

    static final String THREAD_NAME = "mcp-egress-http-sink";

    private final URI url;
    private final Format format;
    private final HttpWireFormat wire;
    private final String host;
    private final int port;
    private final String requestTarget;
    private final SSLContext tls;
    private final Supplier<String> token;
    private final String authScheme;
    private final boolean gzip;
    private final int maxEvents;
    private final long maxBytes;
    private final long maxDelayNanos;
    private final int maxRetries;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final long bufferBytes;
    private final long closeTimeoutMillis;
    private final Set<InetSocketAddress> endpoints;
    private final String idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);

    private final Object lock = new Object();
    private final ArrayDeque<HttpWireFormat.Item> pending = new ArrayDeque<>();
    private long pendingBytes;
    private long sequence;
    private boolean closing;
    private long closeDeadlineNanos = Long.MAX_VALUE;
    private final Thread sender;
    /** Used only by {@link #deliver}, on the spool's sender thread. */
    private MiniHttpClient spoolClient;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong reportedUndelivered = new AtomicLong();
    private volatile String lastError;
    private volatile String lastGiveUp;

    private HttpBatchSink(Builder b) {
        this.url = b.url;
        this.format = b.format;
        this.wire = HttpWireFormat.of(b.format, b.index);
        this.host = b.url.getHost().startsWith("[") ? b.url.getHost().substring(1, b.url.getHost().length() - 1) : b.url.getHost();
        boolean https = b.url.getScheme().equalsIgnoreCase("https");
        this.port = b.url.getPort() > 0 ? b.url.getPort() : https ? 443 : 80;
        String path = b.url.getRawPath();
        String target = path == null || path.isEmpty() || path.equals("/") ? wire.defaultPath() : path;
        this.requestTarget = b.url.getRawQuery() == null ? target : target + "?" + b.url.getRawQuery();
        this.tls = https ? b.sslContext : null;
        this.token = b.token;
        this.authScheme = b.authScheme != null ? b.authScheme : wire.defaultAuthScheme();
        this.gzip = b.gzip;
        this.maxEvents = b.maxEvents;
        this.maxBytes = b.maxBytes;
        this.maxDelayNanos = b.maxDelayMillis * 1_000_000L;
        this.maxRetries = b.maxRetries;
        this.minBackoffMillis = b.minBackoffMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
        this.connectTimeoutMillis = b.connectTimeoutMillis;
        this.readTimeoutMillis = b.readTimeoutMillis;
        this.bufferBytes = b.bufferBytes;
        this.closeTimeoutMillis = b.closeTimeoutMillis;
        this.endpoints = NetworkSink.resolve(host, port);
        this.sender = new Thread(this::run, THREAD_NAME);
        this.sender.setDaemon(true);
    }

    public static Builder builder(URI url, Format format) {
        return new Builder(url, format);
    }

    @Override
    public void write(byte[] line, int offset, int length) throws IOException {
        int end = Lines.endWithoutNewline(line, offset, length);
        byte[] json = new byte[end - offset];
        System.arraycopy(line, offset, json, 0, json.length);
        synchronized (lock) {
            if (closing) {
                dropped.incrementAndGet();
                throw new IOException(describe() + " is closed");
            }
            if (pendingBytes + json.length > bufferBytes && !pending.isEmpty()) {
                dropped.incrementAndGet();
                throw new IOException(describe() + ": buffer full (" + pending.size() + " events waiting"
                        + (lastError == null ? "" : "; last error: " + lastError) + "), event dropped");
            }
            pending.addLast(new HttpWireFormat.Item(json, idPrefix + "-" + Long.toString(++sequence, 36), System.nanoTime()));
            pendingBytes += json.length;
            if (pending.size() == 1 || pending.size() >= maxEvents || pendingBytes >= maxBytes) {
                lock.notifyAll();
            }
        }
    }

    /** Does not wait for delivery (see {@code maxDelay}); reports batches given up since the last flush. */
    @Override
    public void flush() throws IOException {
        long lost = undelivered.get();
        long reported = reportedUndelivered.getAndAccumulate(lost, Math::max);
        if (lost > reported) {
            long n = lost - reported;
            throw new IOException(describe() + ": " + n + " events could not be delivered: " + lastGiveUp);
        }
    }

    private void run() {
        try (MiniHttpClient client = new MiniHttpClient(host, port, tls, connectTimeoutMillis, readTimeoutMillis)) {
            while (true) {
                List<HttpWireFormat.Item> batch = nextBatch();
                if (batch == null) {
                    return;
                }
                deliver(client, batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            AgentLog.warn(describe() + ": sender stopped: " + t);
        } finally {
            synchronized (lock) {
                undelivered.addAndGet(pending.size());
                pending.clear();
                pendingBytes = 0;
                closing = true;
            }
        }
    }

    /** Waits for a full batch, an expired one, or close; null when closed and drained. */
    private List<HttpWireFormat.Item> nextBatch() throws InterruptedException {
        synchronized (lock) {
            while (true) {
                if (closing && !pending.isEmpty() && System.nanoTime() - closeDeadlineNanos > 0) {
                    giveUp(pending.size(), "still buffered when the close timeout expired");
                    pending.clear();
                    pendingBytes = 0;
                }
                if (pending.isEmpty()) {
                    if (closing) {
                        return null;
                    }
                    lock.wait();
                    continue;
                }
                long waited = System.nanoTime() - pending.peekFirst().enqueuedNanos;
                if (closing || pending.size() >= maxEvents || pendingBytes >= maxBytes || waited >= maxDelayNanos) {
                    break;
                }
                long waitNanos = maxDelayNanos - waited;
                lock.wait(Math.max(1, waitNanos / 1_000_000L), (int) (waitNanos % 1_000_000L));
            }
            List<HttpWireFormat.Item> batch = new ArrayList<>(Math.min(pending.size(), maxEvents));
            long bytes = 0;
            while (!pending.isEmpty() && batch.size() < maxEvents) {
                HttpWireFormat.Item next = pending.peekFirst();
                if (!batch.isEmpty() && bytes + next.json.length > maxBytes) {
                    break;
                }
                batch.add(pending.pollFirst());
                bytes += next.json.length;
            }
            pendingBytes -= bytes;
            return batch;
        }
    }

    private void deliver(MiniHttpClient client, List<HttpWireFormat.Item> batch) throws InterruptedException {
        List<HttpWireFormat.Item> remaining = batch;
        int attempt = 0;
        while (true) {
            long retryAfterMillis = -1;
            String failure;
            try {
                MiniHttpClient.Response r = send(client, remaining);
                if (r.status >= 200 && r.status < 300) {
                    HttpWireFormat.Verdict v = wire.verdict(r.body, remaining);
                    sent.addAndGet(remaining.size() - v.retry.size() - v.rejected);
                    if (v.rejected > 0) {
                        giveUp(v.rejected, v.reason);
                    }
                    if (v.retry.isEmpty()) {
                        return;
                    }
                    remaining = v.retry;
                    failure = v.retry.size() + " items answered 429/5xx";
                } else if (r.status == 429 || r.status >= 500) {
                    failure = "HTTP " + r.status + snippet(r);
                    retryAfterMillis = retryAfter(r.header("retry-after"));
                } else {
                    giveUp(remaining.size(), "HTTP " + r.status + snippet(r) + " (not retried)");
                    return;
                }
            } catch (IOException e) {
                failure = e.toString();
            }
            attempt++;
            lastError = failure;
            if (attempt > maxRetries || closeDeadlinePassed()) {
                giveUp(remaining.size(), failure + " (after " + attempt + " attempts)");
                return;
            }
            retries.incrementAndGet();
            sleep(backoff(attempt, retryAfterMillis));
        }
    }

    /**
     * One synchronous attempt for the on-disk spool ({@link SpooledSink}), which retries and keeps
     * the events until this returns. Elasticsearch document ids are a hash of the event, so a batch
     * sent again after an ambiguous failure does not index twice.
     */
    @Override
    public List<byte[]> deliver(List<byte[]> events) throws IOException {
        if (spoolClient == null) {
            spoolClient = new MiniHttpClient(host, port, tls, connectTimeoutMillis, readTimeoutMillis);
        }
        List<HttpWireFormat.Item> items = new ArrayList<>(events.size());
        for (byte[] e : events) {
            items.add(new HttpWireFormat.Item(e, contentId(e), 0));
        }
        MiniHttpClient.Response r;
        try {
            r = send(spoolClient, items);
        } catch (IOException e) {
            spoolClient.close();
            spoolClient = null;
            throw e;
        }
        if (r.status >= 200 && r.status < 300) {
            HttpWireFormat.Verdict v = wire.verdict(r.body, items);
            sent.addAndGet(items.size() - v.retry.size() - v.rejected);
            if (v.rejected > 0) {
                giveUp(v.rejected, v.reason);
            }
            List<byte[]> again = new ArrayList<>(v.retry.size());
            v.retry.forEach(i -> again.add(i.json));
            return again;
        }
        if (r.status == 429 || r.status >= 500) {
            throw new IOException(describe() + ": HTTP " + r.status + snippet(r));
        }
        giveUp(items.size(), "HTTP " + r.status + snippet(r) + " (not retried)");
        return List.of();
    }

    private static String contentId(byte[] event) {
        return java.util.HexFormat.of().formatHex(io.mcpegress.agent.util.Sha256.digest(event), 0, 20);
    }

    private MiniHttpClient.Response send(MiniHttpClient client, List<HttpWireFormat.Item> items) throws IOException {
        byte[] body = wire.body(items);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "mcp-egress-agent/" + AgentVersion.get());
        headers.put("Accept", "application/json");
        headers.put("Content-Type", wire.contentType());
        if (gzip) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream(body.length / 4 + 64);
            try (GZIPOutputStream z = new GZIPOutputStream(compressed, 8192)) {
                z.write(body);
            }
            body = compressed.toByteArray();
            headers.put("Content-Encoding", "gzip");
        }
        String t = token == null ? null : token.get();
        if (t != null && !t.isEmpty()) {
            headers.put("Authorization", authScheme.isEmpty() ? t : authScheme + " " + t);
        }
        requests.incrementAndGet();
        try {
            return client.post(requestTarget, headers, body);
        } catch (MiniHttpClient.StaleConnectionException stale) {
            // the server closed the idle keep-alive connection: send again on a fresh one at once
            requests.incrementAndGet();
            return client.post(requestTarget, headers, body);
        }
    }

    private void giveUp(int count, String reason) {
        lastGiveUp = reason;
        undelivered.addAndGet(count);
        AgentLog.warnOnce("http-sink-undelivered", describe() + ": " + count + " events not delivered: " + reason);
    }

    private boolean closeDeadlinePassed() {
        synchronized (lock) {
            return closing && System.nanoTime() - closeDeadlineNanos > 0;
        }
    }

    /** Full jitter over an exponential ceiling; a Retry-After (capped) wins when larger. */
    long backoff(int attempt, long retryAfterMillis) {
        long ceiling = Math.min(maxBackoffMillis, minBackoffMillis << Math.min(attempt - 1, 20));
        long wait = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        if (retryAfterMillis > wait) {
            wait = Math.min(retryAfterMillis, maxBackoffMillis);
        }
        return wait;
    }

    /** Sleeps, cut short by close so a shutdown does not wait out a long backoff. */
    private void sleep(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (true) {
                long left = end - System.nanoTime();
                if (closing) {
                    left = Math.min(left, closeDeadlineNanos - System.nanoTime());
                }
                if (left <= 0) {
                    return;
                }
                lock.wait(Math.max(1, left / 1_000_000L));
            }
        }
    }

    private static long retryAfter(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim()) * 1000L;
        } catch (NumberFormatException httpDate) {
            return -1;
        }
    }

    private static String snippet(MiniHttpClient.Response r) {
        String text = r.bodyText().replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    /** Events acknowledged by the receiver. */
    public long sentCount() {
        return sent.get();
    }

    /** Events given up after retries or refused by the receiver (including those left at close). */
    public long undeliveredCount() {
        return undelivered.get();
    }

    /** Events refused by {@link #write} (buffer full or closed). */
    public long droppedCount() {
        return dropped.get();
    }

    /** Retried requests. */
    public long retryCount() {
        return retries.get();
    }

    /** HTTP requests sent, retries included. */
    public long requestCount() {
        return requests.get();
    }

    @Override
    public Set<InetSocketAddress> endpoints() {
        return endpoints;
    }

    @Override
    public String describeEndpoint() {
        return NetworkSink.hostPort(host, port);
    }

    /** Format and URL with secret query parameters masked; never the token. */
    @Override
    public String describe() {
        String q = url.getRawQuery() == null ? "" : "?" + Redaction.redactQuery(url.getRawQuery());
        String path = requestTarget.indexOf('?') >= 0 ? requestTarget.substring(0, requestTarget.indexOf('?')) : requestTarget;
        return "http:" + format.wireName() + ":" + url.getScheme().toLowerCase(Locale.ROOT) + "://"
                + describeEndpoint() + path + q + (gzip ? " (gzip)" : "");
    }

    /** Stops accepting events and waits up to the close timeout for everything buffered to be sent. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (!closing) {
                closing = true;
                closeDeadlineNanos = System.nanoTime() + closeTimeoutMillis * 1_000_000L;
            }
            lock.notifyAll();
        }
        try {
            sender.join(closeTimeoutMillis + readTimeoutMillis + 1_000L);
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        MiniHttpClient c = spoolClient;
        if (c != null) {
            c.close();
        }
        flush();
    }

    public static final class Builder {
        private final URI url;
        private final Format format;
        private String index;
        private SSLContext sslContext;
        private Supplier<String> token;
        private String authScheme;
        private boolean gzip;
        private int maxEvents = 500;
        private long maxBytes = 1024 * 1024;
        private long maxDelayMillis = 1_000;
        private int maxRetries = 8;
        private long minBackoffMillis = 200;
        private long maxBackoffMillis = 30_000;
        private int connectTimeoutMillis = 5_000;
        private int readTimeoutMillis = 15_000;
        private long bufferBytes = 16L * 1024 * 1024;
        private long closeTimeoutMillis = 5_000;

        private Builder(URI url, Format format) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                throw new IllegalArgumentException("expected http(s)://host[:port][/path]");
            }
            if (url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("credentials in the URL are not accepted; use a token file or variable");
            }
            this.url = url;
            this.format = format;
        }

        /** Elasticsearch index (default {@code mcp-egress-audit}) or Splunk index (default: the token's). */
        public Builder index(String v) {
            this.index = v;
            return this;
        }

        public Builder sslContext(SSLContext v) {
            this.sslContext = v;
            return this;
        }

        /** Trust the CA certificates (PEM) in this file for https. */
        public Builder caFile(Path file) throws IOException, GeneralSecurityException {
            this.sslContext = TlsSupport.clientContext(file);
            return this;
        }

        /** Read for every request, so a rotated token file is picked up; null or empty sends none. */
        public Builder token(Supplier<String> v) {
            this.token = v;
            return this;
        }

        /** The word before the token; default per format (Splunk, Bearer, ApiKey); "" sends the token alone. */
        public Builder authScheme(String v) {
            this.authScheme = v;
            return this;
        }

        public Builder gzip(boolean v) {
            this.gzip = v;
            return this;
        }

        public Builder maxEvents(int v) {
            this.maxEvents = Math.max(1, v);
            return this;
        }

        public Builder maxBytes(long v) {
            this.maxBytes = Math.max(1, v);
            return this;
        }

        public Builder maxDelayMillis(long v) {
            this.maxDelayMillis = Math.max(0, v);
            return this;
        }

        public Builder maxRetries(int v) {
            this.maxRetries = Math.max(0, v);
            return this;
        }

        public Builder backoffMillis(long min, long max) {
            this.minBackoffMillis = Math.max(1, min);
            this.maxBackoffMillis = Math.max(this.minBackoffMillis, max);
            return this;
        }

        public Builder timeoutsMillis(int connect, int read) {
            this.connectTimeoutMillis = connect;
            this.readTimeoutMillis = read;
            return this;
        }

        /** Bytes of events held while the receiver is slow or down; beyond it writes fail. */
        public Builder bufferBytes(long v) {
            this.bufferBytes = Math.max(1, v);
            return this;
        }

        public Builder closeTimeoutMillis(long v) {
            this.closeTimeoutMillis = Math.max(0, v);
            return this;
        }

        /** Builds and starts the sender thread. */
        public HttpBatchSink start() throws IOException, GeneralSecurityException {
            if (url.getScheme().equalsIgnoreCase("https") && sslContext == null) {
                sslContext = TlsSupport.clientContext(null);
            }
            HttpBatchSink sink = new HttpBatchSink(this);
            sink.sender.start();
            return sink;
        }
    }
}
