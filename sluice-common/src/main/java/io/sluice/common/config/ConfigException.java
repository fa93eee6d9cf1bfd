package io.sluice.common.config;

/**
 * Invalid, missing or unknown configuration. The message names the key, the value, where the value came from
 * (default, file path, environment variable or override) and the rule it broke.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
