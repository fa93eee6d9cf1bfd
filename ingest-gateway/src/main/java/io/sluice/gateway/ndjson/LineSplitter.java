package io.sluice.gateway.ndjson;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Splits a byte stream that arrives in chunks (an HTTP body) into lines ending in {@code \n} or {@code \r\n}.
 * Holds at most {@code maxLineBytes} of one unfinished line: a longer line is discarded as it streams in and
 * reported once its end is seen, so the lines after it are still delivered with the right numbers.
 * Not thread-safe; one instance belongs to one request on one event loop.
 */
public final class LineSplitter {

    /** Receives lines in order; line numbers start at 1 and count blank lines too. */
    public interface Listener {

        /** Delivers one line without its delimiter; {@code line} is only valid during the call. */
        void onLine(ByteBuf line, long lineNumber);

        /** Reports a line longer than the limit; {@code lengthBytes} is its length without the delimiter. */
        void onTooLong(long lineNumber, long lengthBytes);
    }

    private final int maxLineBytes;
    private final ByteBufAllocator allocator;
    private final Listener listener;

    private ByteBuf partial;
    private boolean discarding;
    private long discardedBytes;
    private long nextLineNumber = 1;

    public LineSplitter(int maxLineBytes, ByteBufAllocator allocator, Listener listener) {
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive, was " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.allocator = allocator;
        this.listener = listener;
    }

    /** Consumes every readable byte of {@code chunk}; the caller keeps ownership and releases it. */
    public void feed(ByteBuf chunk) {
        while (chunk.isReadable()) {
            int newline = chunk.indexOf(chunk.readerIndex(), chunk.writerIndex(), (byte) '\n');
            if (newline < 0) {
                keepUnfinished(chunk, chunk.readableBytes());
                return;
            }
            completeLine(chunk, newline - chunk.readerIndex());
            chunk.readerIndex(newline + 1);
        }
    }

    /** Delivers a final line that has no newline; call once when the stream ended. */
    public void finish() {
        if (discarding) {
            discarding = false;
            listener.onTooLong(nextLineNumber++, discardedBytes);
        } else if (partial != null && partial.isReadable()) {
            deliver(partial);
            partial.clear();
        }
        release();
    }

    /** Frees the buffered unfinished line; safe to call more than once. */
    public void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    /** Number the next line will get; after {@link #finish()} it is one more than the lines seen. */
    public long nextLineNumber() {
        return nextLineNumber;
    }

    private void keepUnfinished(ByteBuf chunk, int length) {
        if (discarding) {
            discardedBytes += length;
        } else if (bufferedBytes() + length > maxLineBytes + 1) {
            // One byte of slack keeps a line of exactly maxLineBytes followed by a lone '\r' acceptable.
            startDiscarding(length);
        } else {
            partialBuffer().writeBytes(chunk, chunk.readerIndex(), length);
        }
        chunk.skipBytes(length);
    }

    private void completeLine(ByteBuf chunk, int segmentLength) {
        long lineNumber = nextLineNumber++;
        if (discarding) {
            discarding = false;
            listener.onTooLong(lineNumber, discardedBytes + stripCarriageReturn(chunk, segmentLength));
            return;
        }
        if (bufferedBytes() == 0) {
            deliverOrReject(chunk.slice(chunk.readerIndex(), segmentLength), lineNumber);
            return;
        }
        if (bufferedBytes() + segmentLength > maxLineBytes + 1) {
            long length = bufferedBytes() + segmentLength;
            partial.clear();
            listener.onTooLong(lineNumber, length - (endsWithCarriageReturn(chunk, segmentLength) ? 1 : 0));
            return;
        }
        partial.writeBytes(chunk, chunk.readerIndex(), segmentLength);
        deliverOrReject(partial, lineNumber);
        partial.clear();
    }

    private void deliverOrReject(ByteBuf line, long lineNumber) {
        int length = line.readableBytes();
        if (length > 0 && line.getByte(line.readerIndex() + length - 1) == '\r') {
            length--;
        }
        if (length > maxLineBytes) {
            listener.onTooLong(lineNumber, length);
            return;
        }
        listener.onLine(line.slice(line.readerIndex(), length), lineNumber);
    }

    private void deliver(ByteBuf line) {
        deliverOrReject(line, nextLineNumber++);
    }

    private void startDiscarding(int length) {
        discarding = true;
        discardedBytes = bufferedBytes() + length;
        if (partial != null) {
            partial.clear();
        }
    }

    private static int stripCarriageReturn(ByteBuf chunk, int segmentLength) {
        return endsWithCarriageReturn(chunk, segmentLength) ? segmentLength - 1 : segmentLength;
    }

    private static boolean endsWithCarriageReturn(ByteBuf chunk, int segmentLength) {
        return segmentLength > 0 && chunk.getByte(chunk.readerIndex() + segmentLength - 1) == '\r';
    }

    private int bufferedBytes() {
        return partial == null ? 0 : partial.readableBytes();
    }

    private ByteBuf partialBuffer() {
        if (partial == null) {
            partial = allocator.heapBuffer(Math.min(maxLineBytes + 1, 4096), maxLineBytes + 1);
        }
        return partial;
    }
}
