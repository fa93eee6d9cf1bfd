package io.sluice.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders bench figures as a console table and as a Markdown block for docs/benchmarks.md. */
final class BenchReport {

    private BenchReport() {
    }

    static String table(List<BenchFigure> figures) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-28s %14s   %-36s %14s %7s%n",
                "figure", "measured", "ceiling", "ceiling value", "ratio"));
        for (BenchFigure f : figures) {
            String name = f.name() + " (" + f.unit() + ")";
            table.append(String.format(Locale.ROOT, "%-28s %,14.0f   %-36s %,14.0f %6.0f%%%n", name, f.measured(),
                    f.ceilingName(), f.ceiling(), f.ratio() * 100));
        }
        return table.toString();
    }

    static String markdown(String command, String databaseFacts, List<BenchFigure> figures) {
        StringBuilder text = new StringBuilder();
        text.append("### ").append(LocalDate.now()).append("\n\n");
        text.append("Command: `").append(command).append("`\n\n");
        text.append("Machine: ").append(machine()).append("\n\n");
        text.append("Database: ").append(databaseFacts).append("\n\n");
        text.append("| figure | measured | ceiling | ceiling value | ratio |\n|---|---:|---|---:|---:|\n");
        for (BenchFigure f : figures) {
            text.append(String.format(Locale.ROOT, "| %s (%s) | %,.0f | %s | %,.0f | %.0f %% |%n", f.name(), f.unit(),
                    f.measured(), f.ceilingName(), f.ceiling(), f.ratio() * 100));
        }
        return text.toString();
    }

    static String machine() {
        Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "%d CPUs (nproc)%s, max heap %d MiB, %s %s, JDK %s (%s); Kafka broker,"
                        + " PostgreSQL and the client share these CPUs",
                runtime.availableProcessors(), cpuModel().map(model -> " " + model).orElse(""),
                runtime.maxMemory() / (1024 * 1024), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
