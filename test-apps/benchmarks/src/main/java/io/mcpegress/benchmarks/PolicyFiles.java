package io.mcpegress.benchmarks;

/**
 * The 50-rule policy file both benchmarks use: 49 rules that do not match the benchmark's target
 * (a mix of exact hosts, wildcards, CIDRs, ports, schemes, methods and paths, in two rule sets),
 * then one allow rule that does. {@code default: deny}, so a call that matched nothing would fail.
 */
public final class PolicyFiles {

    private PolicyFiles() {
    }

    /**
     * @param allowHost host (or IP) the 50th rule allows
     * @param allowPath path prefix it allows (and then only GET/HEAD), or null for a host-only rule.
     *                  The whole-process benchmark needs host-only: without a proxy the socket guard
     *                  (enforce) re-decides each connect as method CONNECT with no path, so a rule
     *                  scoped by methods or paths does not allow the TCP connection (see docs/performance.md).
     */
    public static String fiftyRules(String allowHost, String allowPath) {
        StringBuilder y = new StringBuilder(8192);
        y.append("version: 1\ndefault: deny\nrulesets:\n");
        for (int i = 1; i <= 49; i++) {
            if (i == 1 || i == 26) {
                y.append("  - name: bench-").append(i == 1 ? "a" : "b").append("\n    rules:\n");
            }
            y.append("      - name: r").append(i).append('\n');
            y.append("        action: ").append(i % 7 == 0 ? "deny" : "allow").append('\n');
            y.append("        match:\n");
            switch (i % 4) {
                case 0:
                    y.append("          hosts: [svc").append(i).append(".example.org, svc").append(i).append("b.example.org]\n");
                    y.append("          methods: [GET, POST]\n");
                    break;
                case 1:
                    y.append("          hosts: [\"*.corp").append(i).append(".example.net\"]\n");
                    y.append("          paths: [/v").append(i).append("/]\n");
                    break;
                case 2:
                    y.append("          hosts: [10.").append(i).append(".0.0/16]\n");
                    y.append("          ports: [8443]\n");
                    break;
                default:
                    y.append("          hosts: [\"api").append(i).append(".example.com:443\"]\n");
                    y.append("          schemes: [https]\n");
                    break;
            }
        }
        y.append("      - name: bench-target\n        action: allow\n        match:\n");
        y.append("          hosts: [\"").append(allowHost).append("\"]\n");
        if (allowPath != null) {
            y.append("          methods: [GET, HEAD]\n");
            y.append("          paths: [").append(allowPath).append("]\n");
        }
        return y.toString();
    }
}
