package io.sluice.it.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits an alert condition into the expressions whose results it compares, so each can be checked for data on
 * its own: {@code a > 1 and on (instance) b == 0} gives {@code a} and {@code b}, and {@code absent(x)} gives
 * {@code x}. Handles the PromQL that alert rules use (set operators with {@code on}/{@code ignoring},
 * comparisons, parentheses, label matchers with quoted strings); it is not a full PromQL parser.
 */
final class PromqlOperands {

    private static final Pattern SET_OPERATOR = Pattern.compile("(?i)(and|or|unless)\\b");
    private static final Pattern MATCHING_MODIFIER = Pattern.compile("(?i)^\\s*(on|ignoring)\\s*\\([^)]*\\)");
    private static final Pattern ABSENT_CALL = Pattern.compile("^absent(_over_time)?\\s*\\(");
    private static final String[] COMPARISONS = {"==", "!=", ">=", "<=", ">", "<"};

    private PromqlOperands() {
    }

    /** Returns the left sides of every comparison in {@code condition}, or the whole expression when it has none. */
    static List<String> of(String condition) {
        String expr = stripEnclosingParentheses(condition.trim());
        List<String> operands = splitAtSetOperators(expr);
        if (operands.size() > 1) {
            List<String> result = new ArrayList<>();
            for (String operand : operands) {
                result.addAll(of(operand));
            }
            return result;
        }
        int comparison = topLevelComparison(expr);
        if (comparison >= 0) {
            return of(expr.substring(0, comparison));
        }
        Matcher absent = ABSENT_CALL.matcher(expr);
        if (absent.find() && closingParenthesis(expr, absent.end() - 1) == expr.length() - 1) {
            return of(expr.substring(absent.end(), expr.length() - 1));
        }
        return List.of(expr);
    }

    private static List<String> splitAtSetOperators(String expr) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int depth = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(expr, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && isWordStart(expr, i)) {
                Matcher operator = SET_OPERATOR.matcher(expr).region(i, expr.length());
                if (operator.lookingAt()) {
                    parts.add(expr.substring(start, i).trim());
                    start = skipMatchingModifier(expr, operator.end());
                    i = start - 1;
                }
            }
        }
        parts.add(expr.substring(start).trim());
        return parts;
    }

    private static int skipMatchingModifier(String expr, int from) {
        Matcher modifier = MATCHING_MODIFIER.matcher(expr.substring(from));
        return modifier.find() ? from + modifier.end() : from;
    }

    private static int topLevelComparison(String expr) {
        int depth = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(expr, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && startsComparison(expr, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsComparison(String expr, int index) {
        for (String comparison : COMPARISONS) {
            if (expr.startsWith(comparison, index)) {
                return true;
            }
        }
        return false;
    }

    private static String stripEnclosingParentheses(String expr) {
        String current = expr;
        while (current.startsWith("(") && closingParenthesis(current, 0) == current.length() - 1) {
            current = current.substring(1, current.length() - 1).trim();
        }
        return current;
    }

    /** Returns the index of the parenthesis that closes the one at {@code open}, or -1 when it is not closed. */
    private static int closingParenthesis(String expr, int open) {
        int depth = 0;
        for (int i = open; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(expr, i);
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int endOfString(String expr, int open) {
        char quote = expr.charAt(open);
        for (int i = open + 1; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '\\' && quote != '`') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return expr.length() - 1;
    }

    private static boolean isWordStart(String expr, int index) {
        return index == 0 || !(Character.isLetterOrDigit(expr.charAt(index - 1)) || expr.charAt(index - 1) == '_');
    }
}
