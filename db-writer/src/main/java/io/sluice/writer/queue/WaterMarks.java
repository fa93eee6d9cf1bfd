package io.sluice.writer.queue;

/**
 * High and low water marks of the batch queue, in records. The poll thread pauses all partitions when the queue
 * depth reaches {@code highRecords} and resumes them when it falls to {@code lowRecords}.
 */
public record WaterMarks(int capacityRecords, int highRecords, int lowRecords) {

    public WaterMarks {
        if (capacityRecords < 1) {
            throw new IllegalArgumentException("Queue capacity must be at least 1 record, got " + capacityRecords);
        }
        if (highRecords < 1 || highRecords > capacityRecords) {
            throw new IllegalArgumentException("High water mark must be between 1 and the capacity of "
                    + capacityRecords + " records, got " + highRecords);
        }
        if (lowRecords < 0 || lowRecords >= highRecords) {
            throw new IllegalArgumentException("Low water mark must be at least 0 and below the high water mark of "
                    + highRecords + " records, got " + lowRecords);
        }
    }

    /**
     * Derives the marks from fractions of the capacity.
     *
     * @throws IllegalArgumentException when the fractions are outside (0, 1] or low is not below high
     */
    public static WaterMarks ofFractions(int capacityRecords, double highFraction, double lowFraction) {
        if (!(highFraction > 0 && highFraction <= 1)) {
            throw new IllegalArgumentException("High water mark must be a fraction in (0, 1], got " + highFraction);
        }
        if (!(lowFraction >= 0 && lowFraction < highFraction)) {
            throw new IllegalArgumentException("Low water mark must be a fraction in [0, " + highFraction
                    + "), below the high water mark, got " + lowFraction);
        }
        int high = Math.max(1, (int) Math.floor(capacityRecords * highFraction));
        int low = Math.min(high - 1, (int) Math.floor(capacityRecords * lowFraction));
        return new WaterMarks(capacityRecords, high, low);
    }

    /** Returns whether a running poll loop should pause at {@code depthRecords}. */
    public boolean shouldPause(int depthRecords) {
        return depthRecords >= highRecords;
    }

    /** Returns whether a paused poll loop should resume at {@code depthRecords}. */
    public boolean shouldResume(int depthRecords) {
        return depthRecords <= lowRecords;
    }
}
