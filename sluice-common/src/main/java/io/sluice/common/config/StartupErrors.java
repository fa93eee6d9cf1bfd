package io.sluice.common.config;

import java.io.PrintStream;

/**
 * Reports an error that stops a service at start, the same way in every service: configuration errors as plain
 * message lines on stderr without a stack trace, exit code {@value #EXIT_CONFIG_ERROR}.
 *
 * <pre>{@code
 * try {
 *     settings = Settings.load(definition, configFile, System.getenv(), Map.of());
 * } catch (ConfigException e) {
 *     return StartupErrors.report(e);
 * }
 * }</pre>
 */
public final class StartupErrors {

    /** Exit code for invalid configuration: restarting with the same settings fails the same way. */
    public static final int EXIT_CONFIG_ERROR = 2;
    /** Exit code for any other failure at start. */
    public static final int EXIT_FAILED = 1;

    private static final int MAX_CAUSE_DEPTH = 32;

    private StartupErrors() {
    }

    /** Reports {@code error} to {@code System.err}; see {@link #report(Throwable, PrintStream)}. */
    public static int report(Throwable error) {
        return report(error, System.err);
    }

    /**
     * Reports {@code error} to {@code err} and returns the exit code for it.
     *
     * <p>When {@code error} or one of its causes is a Sluice {@link ConfigException} or a Kafka
     * {@code org.apache.kafka.common.config.ConfigException} (a Kafka client wraps it in a {@code KafkaException}),
     * prints {@code Invalid configuration:} and one indented line per problem, no stack trace, and returns
     * {@value #EXIT_CONFIG_ERROR}. Any other error is unexpected, so it is printed with its stack trace and
     * {@value #EXIT_FAILED} is returned.
     */
    public static int report(Throwable error, PrintStream err) {
        Throwable configError = findConfigError(error);
        if (configError == null) {
            err.println("Failed to start: " + error);
            error.printStackTrace(err);
            err.flush();
            return EXIT_FAILED;
        }
        err.println(configError instanceof ConfigException ? "Invalid configuration:"
                : "Invalid configuration, rejected by the Kafka client:");
        for (String line : String.valueOf(configError.getMessage()).split("\n")) {
            err.println("  " + line);
        }
        err.flush();
        return EXIT_CONFIG_ERROR;
    }

    /** Returns the first config exception in the cause chain of {@code error}, or {@code null}. */
    static Throwable findConfigError(Throwable error) {
        Throwable cause = error;
        // The depth limit ends the walk on a cause chain that loops back on itself.
        for (int depth = 0; cause != null && depth < MAX_CAUSE_DEPTH; depth++) {
            if (cause instanceof ConfigException
                    || cause instanceof org.apache.kafka.common.config.ConfigException) {
                return cause;
            }
            cause = cause.getCause();
        }
        return null;
    }
}
