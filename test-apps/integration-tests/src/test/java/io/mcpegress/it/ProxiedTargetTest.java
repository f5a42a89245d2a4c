package io.mcpegress.it;

import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
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
}
