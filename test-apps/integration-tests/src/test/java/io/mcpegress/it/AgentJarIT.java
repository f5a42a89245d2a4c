package io.mcpegress.it;

import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.TargetServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The one jar operators deploy: its shape, its size, and that it never clashes with the application. */
class AgentJarIT {

    @TempDir
    Path dir;

    @Test
    void oneSelfContainedJarUnderSixMegabytes() throws Exception {
        Path jar = TestApps.agentJar();
        assertThat(Files.size(jar)).as("issue 7: under 6 MB").isLessThan(6_000_000L);
        try (JarFile f = new JarFile(jar.toFile())) {
            Attributes main = f.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("io.mcpegress.premain.AgentPremain");
            assertThat(main.getValue("Agent-Class")).isEqualTo("io.mcpegress.premain.AgentPremain");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            List<String> visibleClasses = Collections.list(f.entries()).stream().map(JarEntry::getName)
                    .filter(n -> n.endsWith(".class")).collect(Collectors.toList());
            // only premain and the bootstrap facade are visible to class loaders and scanners
            assertThat(visibleClasses).isNotEmpty().allMatch(n -> n.startsWith("io/mcpegress/premain/")
                    || n.startsWith("io/mcpegress/bootstrap/"));
            // of ByteBuddy only the ASM the weaver runs on ships, relocated; type pool, matchers and Advice stay out
            assertThat(f.getEntry("inst/io/mcpegress/shaded/net/bytebuddy/jar/asm/ClassReader.classdata")).isNotNull();
            assertThat(f.getEntry("inst/io/mcpegress/shaded/net/bytebuddy/ByteBuddy.classdata")).isNull();
            assertThat(f.getEntry("inst/io/mcpegress/shaded/net/bytebuddy/pool/TypePool.classdata")).isNull();
            assertThat(f.getEntry("inst/io/mcpegress/agent/AgentInstaller.classdata")).isNotNull();
            // one services file of every module (InstrumentationModules reads it straight from the jar),
            // the modules' target lists (BundledTargets) and the build's digest (the weave cache's key)
            String services = new String(f.getInputStream(f.getEntry(
                    "inst/META-INF/services/io.mcpegress.instrumentation.api.InstrumentationModule")).readAllBytes());
            assertThat(services.lines().filter(l -> !l.isBlank())).hasSize(7);
            String listed = new String(f.getInputStream(f.getEntry("inst/io/mcpegress/agent/targets/modules.txt")).readAllBytes());
            assertThat(listed.lines()).containsExactlyInAnyOrder("jdk-httpclient", "httpurlconnection", "okhttp",
                    "mcp-java-sdk", "apache-httpclient-4", "apache-httpclient-5", "socket-guard");
            for (String module : listed.lines().collect(Collectors.toList())) {
                assertThat(f.getEntry("inst/io/mcpegress/agent/targets/targets_" + module + ".list")).as(module).isNotNull();
            }
            assertThat(new String(f.getInputStream(f.getEntry("inst/io/mcpegress/agent/build.id")).readAllBytes()))
                    .matches("[0-9a-f]{64}\\s*");
        }
    }

    @Test
    void theApplicationsOwnByteBuddyJacksonAndSnakeYamlKeepWorking() throws Exception {
        try (TargetServer target = TargetServer.start()) {
            String url = target.httpUrl("/s/conflicts/ok");
            Path without = dir.resolve("without.json");
            Path with = dir.resolve("with.json");
            Path audit = dir.resolve("audit.jsonl");
            List<Path> cp = TestApps.classpath("conflicting-libs");
            ChildJvm.builder().classpath(cp).mainClass("io.mcpegress.apps.conflicts.ConflictingLibsApp")
                    .args(url, without.toString()).run().assertSuccess();
            ChildJvm.Result r = ChildJvm.builder().agentJar(TestApps.agentJar())
                    .systemProperty("mcp.egress.audit.file", audit.toString())
                    .classpath(cp).mainClass("io.mcpegress.apps.conflicts.ConflictingLibsApp")
                    .args(url, with.toString()).run();
            r.assertSuccess();
            assertThat(Files.readString(with)).isEqualTo(Files.readString(without))
                    .contains("\"jackson\":\"2.12.7\"").contains("\"bytebuddy\":\"byte-buddy-1.12.19.jar\"")
                    .contains("made by the app's ByteBuddy").contains("\"status\":200");
            assertThat(AuditLog.read(audit).events()).hasSize(1);
        }
    }
}
