package io.sluice.cli.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One process of the local topology, with stdout and stderr appended to its own log file. */
final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} with exactly {@code environment} (nothing inherited), in {@code workingDir}, with
     * its output appended to {@code logFile}.
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> environment, Path workingDir,
                              Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            return new ChildProcess(name, builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to start " + name + " with " + command.get(0) + "; see "
                    + logFile, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Process process() {
        return process;
    }

    /** Sends SIGTERM, which starts the graceful drain of the gateway, the writer and Prometheus. */
    void requestStop() {
        process.destroy();
    }

    /** Sends SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits up to {@code timeout} for the process to exit and returns whether it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Returns "NAME (pid N) exited with status S; log: FILE" and the last lines of the log. */
    String describeExit(int tailLines) {
        String status = process.isAlive() ? "is still running" : "exited with status " + process.exitValue();
        StringBuilder text = new StringBuilder(String.format("%s (pid %d) %s; log: %s", name, pid(), status,
                logFile));
        List<String> tail = tail(tailLines);
        if (!tail.isEmpty()) {
            text.append(System.lineSeparator()).append("  last lines of the log:");
            tail.forEach(line -> text.append(System.lineSeparator()).append("    ").append(line));
        }
        return text.toString();
    }

    private List<String> tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
