package io.mcpegress.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChildJvmTest {

    @ParameterizedTest
    @MethodSource("io.mcpegress.testkit.Jdks#stream")
    void runsMainCapturingOutputAndExitCode(Path javaHome) {
        ChildJvm.Result result = ChildJvm.builder()
                .javaHome(javaHome)
                .jvmArg("-Xshare:auto")
                .systemProperty("testkit.prop", "p1")
                .env("TESTKIT_ENV", "e1")
                .mainClass(HelloMain.class)
                .args("a", "b")
                .timeout(Duration.ofSeconds(30))
                .run();

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).contains("hello a,b", "prop=p1", "env=e1",
                "feature=" + Jdks.featureVersion(javaHome));
        assertThat(result.stderr()).contains("to stderr");
        assertThat(result.elapsed()).isPositive();
    }

    @Test
    void timeoutKillsTheChildAndFailsClearly() {
        assertThatThrownBy(() -> ChildJvm.builder()
                .mainClass(HelloMain.class)
                .args("sleep")
                .timeout(Duration.ofSeconds(2))
                .run())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("did not finish within");
    }

    @Test
    void currentClasspathContainsTheTestClasses() {
        assertThat(ChildJvm.currentClasspath()).contains("test-classes").doesNotContain("surefirebooter");
    }

    @Test
    void commandLineHasAgentBeforeMainClass() {
        assertThat(ChildJvm.builder().agentJar(Path.of("/x/agent.jar")).agentArgs("k=v")
                .classpath("cp").mainClass("Main").args("arg").command())
                .endsWith("-javaagent:/x/agent.jar=k=v", "-cp", "cp", "Main", "arg");
    }
}
