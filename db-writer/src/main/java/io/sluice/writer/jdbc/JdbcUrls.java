package io.sluice.writer.jdbc;

import io.sluice.common.config.Settings;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for JDBC URLs that may carry credentials. */
public final class JdbcUrls {
    /** The {@code password} and {@code sslpassword} parameters of a pgjdbc URL, up to the next separator. */
    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("([?&;](?:ssl)?password=)[^&;#]*", Pattern.CASE_INSENSITIVE);

    private JdbcUrls() {
    }

    /** Returns {@code url} with the values of its password parameters replaced by {@value Settings#MASK}. */
    public static String maskPasswords(String url) {
        if (url == null) {
            return null;
        }
        return PASSWORD_PARAMETER.matcher(url).replaceAll("$1" + Matcher.quoteReplacement(Settings.MASK));
    }
}
