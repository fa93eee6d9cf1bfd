package io.sluice.writer.queue;

/**
 * High and low water marks of the batch queue, in records and in bytes. The poll thread pauses all partitions when
 * the queue depth reaches either high water mark and resumes them once both depths have fallen to their low water
 * marks.
 */
public record WaterMarks(int capacityRecords, int highRecords, int lowRecords, long capacityBytes, long highBytes,
        long lowBytes) {

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
        if (capacityBytes < 1) {
            throw new IllegalArgumentException("Queue capacity must be at least 1 byte, got " + capacityBytes);
        }
        if (highBytes < 1 || highBytes > capacityBytes) {
            throw new IllegalArgumentException("High water mark must be between 1 and the capacity of "
                    + capacityBytes + " bytes, got " + highBytes);
        }
        if (lowBytes < 0 || lowBytes >= highBytes) {
            throw new IllegalArgumentException("Low water mark must be at least 0 and below the high water mark of "
                    + highBytes + " bytes, got " + lowBytes);
        }
    }

    /**
     * Derives the marks from fractions of both capacities; the same fractions apply to records and to bytes.
     *
     * @throws IllegalArgumentException when the fractions are outside (0, 1] or low is not below high
     */
    public static WaterMarks ofFractions(int capacityRecords, long capacityBytes, double highFraction,
            double lowFraction) {
        if (!(highFraction > 0 && highFraction <= 1)) {
            throw new IllegalArgumentException("High water mark must be a fraction in (0, 1], got " + highFraction);
        }
        if (!(lowFraction >= 0 && lowFraction < highFraction)) {
            throw new IllegalArgumentException("Low water mark must be a fraction in [0, " + highFraction
                    + "), below the high water mark, got " + lowFraction);
        }
        int high = (int) highOf(capacityRecords, highFraction);
        int low = (int) lowOf(capacityRecords, lowFraction, high);
        long highBytes = highOf(capacityBytes, highFraction);
        long lowBytes = lowOf(capacityBytes, lowFraction, highBytes);
        return new WaterMarks(capacityRecords, high, low, capacityBytes, highBytes, lowBytes);
    }

    private static long highOf(long capacity, double fraction) {
        return Math.max(1, (long) Math.floor(capacity * fraction));
    }

    private static long lowOf(long capacity, double fraction, long high) {
        return Math.min(high - 1, (long) Math.floor(capacity * fraction));
    }

    /** Returns whether a running poll loop should pause: either depth reached its high water mark. */
    public boolean shouldPause(int depthRecords, long depthBytes) {
        return depthRecords >= highRecords || depthBytes >= highBytes;
    }

    /** Returns whether a paused poll loop should resume: both depths are at or below their low water marks. */
    public boolean shouldResume(int depthRecords, long depthBytes) {
        return depthRecords <= lowRecords && depthBytes <= lowBytes;
    }
}
