package io.lintas.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark harness end to end in a few seconds of measuring (issue 8's CI smoke run): {@code bin/lintas-bench}
 * starts its targets, runs sysbench and the connect-per-request client, and writes the report and charts. It
 * asserts that every part measured something, never how fast: speed lives in the full run (docs/benchmarks.md).
 */
@Timeout(900)
class BenchSmokeIT {

    @Test
    void theHarnessMeasuresAndWritesItsReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("benchmarks.md");
        Path charts = dir.resolve("charts");
        Exec.Result r = Exec.run(840, Sandbox.repo().resolve("bin/lintas-bench").toString(),
            "--targets", "direct,lintas", "--workloads", "oltp_point_select", "--threads", "2",
            "--duration", "2", "--rounds", "1", "--warmup", "0", "--connect-seconds", "2", "--connect-warmup", "0",
            "--connect-tls", "0", "--idle", "0", "--busy", "0", "--report", report.toString(),
            "--charts", charts.toString(), "--label", "CI smoke run");
        assertEquals(0, r.exitCode(), r::toString);
        String md = Files.readString(report);
        assertTrue(md.contains("CI smoke run"), md);
        assertTrue(md.contains("### oltp_point_select, 2 threads"), md);
        for (String target : new String[] {"direct (node3)", "Lintas"}) {
            assertTrue(measured(md, target, 2) > 0, target + " has no sysbench qps in:\n" + md);
        }
        assertTrue(md.contains("## Connect-per-request"), md);
        assertTrue(measured(md.substring(md.indexOf("## Connect-per-request")), "Lintas", 1) > 0,
            "no connections/s through Lintas in:\n" + md);
        assertTrue(Files.size(charts.resolve("throughput.png")) > 0);
        assertTrue(Files.size(charts.resolve("cpu_per_query.png")) > 0);
    }

    /** The number in column {@code column} (1-based, after the target's name) of the first row for {@code target}. */
    private static long measured(String md, String target, int column) {
        Matcher m = Pattern.compile("(?m)^\\| " + Pattern.quote(target) + " \\|((?: [^|]* \\|){" + column + "})")
            .matcher(md);
        if (!m.find()) {
            return -1;
        }
        String[] cells = m.group(1).split("\\|");
        return Long.parseLong(cells[column - 1].trim().replace(",", ""));
    }
}
