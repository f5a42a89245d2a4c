package io.mcpegress.agent;

import io.mcpegress.agent.audit.AgentEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.instrumentation.api.type.TypeShape;

import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells the audit trail which libraries the agent instrumented, with the version found in the jar
 * name, and, loudly, which library class it could not instrument (a version whose internals moved):
 * a SIEM rule can then alert on "library-unsupported" instead of trusting a silent gap.
 * Wraps each module's type matcher; one event per module and class loader location.
 */
final class LibraryReporter implements NamedClassWeaver.CacheHits {

    /** {@code okhttp-4.12.0.jar}, {@code httpclient5-5.1.4.jar}, {@code mcp-core-1.1.5-SNAPSHOT.jar}. */
    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d+(?:\\.\\d+)*(?:[.-][A-Za-z0-9]+)*)\\.jar$");

    private final AuditPipeline pipeline;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    LibraryReporter(AuditPipeline pipeline) {
        this.pipeline = pipeline;
    }

    NamedClassWeaver.TypeCondition wrap(String moduleName, io.mcpegress.instrumentation.api.match.Matcher<? super TypeShape> typeMatcher) {
        return (type, protectionDomain) -> {
            boolean matched;
            try {
                matched = typeMatcher.matches(type);
            } catch (RuntimeException e) {
                report(moduleName, type.name(), protectionDomain, e.getMessage());
                throw e; // the weaver logs it too
            }
            if (matched) {
                report(moduleName, type.name(), protectionDomain, null);
            }
            return matched;
        };
    }

    /** A class woven in an earlier run: the same events as if its modules' matchers had matched now. */
    @Override
    public void reused(List<String> moduleNames, String typeName, ProtectionDomain domain) {
        for (String moduleName : moduleNames) {
            report(moduleName, typeName, domain, null);
        }
    }

    private void report(String moduleName, String typeName, ProtectionDomain domain, String unsupportedReason) {
        try {
            String location = location(domain);
            String key = moduleName + '|' + location + '|' + (unsupportedReason == null ? "" : typeName);
            if (!reported.add(key)) {
                return;
            }
            String version = version(location);
            pipeline.offer(unsupportedReason == null
                    ? AgentEvent.libraryInstrumented(moduleName, version, typeName)
                    : AgentEvent.libraryUnsupported(moduleName, version, typeName, unsupportedReason));
        } catch (RuntimeException e) {
            // reporting must never change what gets instrumented
        }
    }

    private static String location(ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        return source == null || source.getLocation() == null ? "jdk" : source.getLocation().toString();
    }

    /** The version in a jar's file name; the JDK's version for JDK classes; else {@code null}. */
    static String version(String location) {
        if (location.equals("jdk")) {
            return Runtime.version().toString();
        }
        Matcher m = JAR_VERSION.matcher(location);
        return m.find() ? m.group(1) : null;
    }
}
