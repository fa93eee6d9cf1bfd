package io.sluice.cli.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Chooses where a command writes its report when the user did not pass {@code --report}. */
public final class ReportDirectory {

    private ReportDirectory() {
    }

    /**
     * Returns {@code requested} when set, else {@code target/NAME} under the current directory when that is
     * writable, else a new temporary directory.
     */
    public static Path orDefault(Path requested, String name) throws IOException {
        if (requested != null) {
            return requested;
        }
        Path current = Path.of("").toAbsolutePath();
        if (Files.isWritable(current)) {
            return current.resolve("target").resolve(name);
        }
        return Files.createTempDirectory(name);
    }
}
