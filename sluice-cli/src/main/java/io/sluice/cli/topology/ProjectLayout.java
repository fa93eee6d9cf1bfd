package io.sluice.cli.topology;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Layout of a built Sluice checkout: the runnable jars and the Prometheus alert rules. */
public record ProjectLayout(Path root) {

    static final String GATEWAY_JAR = "ingest-gateway/target/ingest-gateway.jar";
    static final String WRITER_JAR = "db-writer/target/db-writer.jar";
    static final String ALERT_RULES = "prometheus/alerts.yml";

    /**
     * Returns the checkout that this class was loaded from: {@code ROOT/sluice-cli/target/sluice-cli.jar} when run
     * by {@code bin/sluice}, {@code ROOT/sluice-cli/target/classes} in tests.
     */
    public static ProjectLayout ofRunningCode() {
        try {
            Path location = Path.of(ProjectLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = location.getParent();
            if (target == null || target.getParent() == null || target.getParent().getParent() == null) {
                throw new IllegalStateException("cannot find the Sluice checkout above " + location
                        + "; pass --project-dir");
            }
            return new ProjectLayout(target.getParent().getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot find the Sluice checkout from the class location; pass"
                    + " --project-dir", e);
        }
    }

    Path gatewayJar() {
        return requireFile(GATEWAY_JAR);
    }

    Path writerJar() {
        return requireFile(WRITER_JAR);
    }

    Path alertRules() {
        return requireFile(ALERT_RULES);
    }

    private Path requireFile(String relative) {
        Path file = root.resolve(relative).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing; build the runnable jars first with"
                    + " 'mvn -DskipTests install' in " + root.toAbsolutePath().normalize());
        }
        return file;
    }
}
