package io.lintas.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (mariadb, php) with a time limit and captures what it printed. */
public final class Exec {
    /** Exit code and output of a finished program. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n"
                + stderr;
        }
    }

    private Exec() {}

    /** True when {@code program} is on the PATH. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Fails with a clear message when a client the tests drive is not installed. */
    public static void requireOnPath(String program, String hint) {
        if (!onPath(program)) {
            throw new IllegalStateException("'" + program + "' is not installed (not on PATH); " + hint);
        }
    }

    /** Runs {@code command} with no input, killing it after {@code timeoutSeconds}. */
    public static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        return runWithInput(timeoutSeconds, null, command);
    }

    /** Runs {@code command} with {@code input} (or nothing) on stdin, killing it after {@code timeoutSeconds}. */
    public static Result runWithInput(long timeoutSeconds, String input, String... command)
        throws IOException, InterruptedException {
        Path out = Files.createTempFile("lintas-it-out-", ".txt");
        Path err = Files.createTempFile("lintas-it-err-", ".txt");
        Path in = Files.createTempFile("lintas-it-in-", ".txt");
        try {
            Files.writeString(in, input == null ? "" : input, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(in.toFile())
                .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                    + " s (hung?); stdout so far:\n" + Files.readString(out) + "\nstderr so far:\n" + Files.readString(err));
            }
            return new Result(List.of(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
        }
    }
}
