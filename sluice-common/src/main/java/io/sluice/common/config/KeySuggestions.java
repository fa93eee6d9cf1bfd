package io.sluice.common.config;

import java.util.Collection;

/** Finds the known key closest to a misspelt one by edit distance, for "did you mean" hints. */
final class KeySuggestions {

    private KeySuggestions() {
    }

    /** Returns the closest candidate, or {@code null} when none is within a third of the name's length. */
    static String closest(String unknown, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(unknown, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int maxDistance = Math.max(2, unknown.length() / 3);
        return bestDistance <= maxDistance ? best : null;
    }

    /** Levenshtein distance: the number of single-character insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
