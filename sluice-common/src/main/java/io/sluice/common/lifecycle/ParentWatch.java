package io.sluice.common.lifecycle;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a service whose launching process is gone. A process started by {@code bin/sluice local --writers N} gets
 * the launcher's pid in the system property {@value #PARENT_PID_PROPERTY}; when the launcher dies, even by SIGKILL,
 * this calls {@code System.exit}, so the service's shutdown hook drains it as on SIGTERM instead of leaving an
 * orphan that keeps its ports and talks to a broker that is gone.
 */
public final class ParentWatch {

    public static final String PARENT_PID_PROPERTY = "sluice.parent.pid";

    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);

    private ParentWatch() {
    }

    /** Starts watching when {@value #PARENT_PID_PROPERTY} is set; returns whether a watch was started. */
    public static boolean startFromSystemProperty(String serviceName) {
        String value = System.getProperty(PARENT_PID_PROPERTY);
        if (value == null || value.isBlank()) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            log.warn("Ignoring -D{}={}: not a process id", PARENT_PID_PROPERTY, value);
            return false;
        }
        return watch(pid, serviceName, () -> System.exit(0));
    }

    /** Runs {@code onParentExit} once the process {@code pid} exits; returns false when it is already gone. */
    static boolean watch(long pid, String serviceName, Runnable onParentExit) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            log.warn("Launching process {} of {} is already gone; stopping", pid, serviceName);
            onParentExit.run();
            return false;
        }
        parent.get().onExit().thenRun(() -> {
            log.warn("Launching process {} of {} exited; stopping gracefully", pid, serviceName);
            onParentExit.run();
        });
        log.info("{} stops when its launching process {} exits", serviceName, pid);
        return true;
    }
}
