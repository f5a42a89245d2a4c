package io.mcpegress.it;

import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import io.mcpegress.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The set-up most integration tests share: the shared real Squid in front, a fresh loopback
 * target server behind (its records tell where each request came from), a temporary directory
 * per test for audit files and results.
 */
abstract class ProxiedTargetTest {

    static SquidProxy squid;
    static TargetServer target;

    @TempDir
    Path dir;

    @BeforeAll
    static void startProxyAndTarget() {
        squid = SquidProxy.shared();
        target = TargetServer.start();
    }

    @AfterAll
    static void stopTarget() {
        target.close();
    }

    /**
     * A child JVM that runs the client contract's {@code scenarios} (comma list) against
     * {@link #target}, one result line each in {@code results}, scenario ids prefixed with
     * {@code run}; add the agent, its properties and the class path of the clients to try.
     */
    static ChildJvm.Builder contractRunner(String run, String scenarios, Path results) {
        return ChildJvm.builder()
                .systemProperties(TestCertificates.get().trustStoreSystemProperties())
                .systemProperty("contract.http", "http://127.0.0.1:" + target.httpPort())
                .systemProperty("contract.https", "https://127.0.0.1:" + target.httpsPort())
                .systemProperty("contract.localhost", "http://localhost:" + target.httpPort())
                .systemProperty("contract.refused", "http://127.0.0.1:1")
                .systemProperty("contract.results", results.toString())
                .systemProperty("contract.run", run)
                .systemProperty("contract.scenarios", scenarios)
                .mainClass("io.mcpegress.contract.ContractRunner");
    }
}
