package io.sluice.gateway.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sluice.gateway.ndjson.LineSplitter;
import java.util.List;

/**
 * Splits a TCP byte stream into NDJSON lines with the same {@link LineSplitter} as HTTP bodies. So the limit
 * applies to a line without its {@code \n} or {@code \r\n}, however the stream is cut into reads. Emits each line
 * as a {@code byte[]} without its delimiter, and a {@link TooLongLine} for a line above the limit, which is
 * discarded as it streams in. When the input ends (the client shut down its output or closed), a final line
 * without a newline is emitted too, or reported as too long.
 *
 * <p>One instance per channel, used on its event loop only.
 */
public final class NdjsonLineDecoder extends ByteToMessageDecoder {

    /** A line above {@code gateway.max.line.bytes}; {@code lengthBytes} is its length without the delimiter. */
    public record TooLongLine(long lengthBytes) {
    }

    private final int maxLineBytes;
    private final Emitter emitter = new Emitter();
    private LineSplitter splitter;

    public NdjsonLineDecoder(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        emitter.out = out;
        try {
            splitter(ctx).feed(in);
        } finally {
            emitter.out = null;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (splitter == null) {
            return;
        }
        emitter.out = out;
        try {
            splitter.finish();
        } finally {
            emitter.out = null;
            splitter = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (splitter != null) {
            splitter.release();
            splitter = null;
        }
    }

    private LineSplitter splitter(ChannelHandlerContext ctx) {
        if (splitter == null) {
            splitter = new LineSplitter(maxLineBytes, ctx.alloc(), emitter);
        }
        return splitter;
    }

    /** Adds the splitter's lines to the decoder output of the current call. */
    private static final class Emitter implements LineSplitter.Listener {
        private List<Object> out;

        @Override
        public void onLine(ByteBuf line, long lineNumber) {
            out.add(ByteBufUtil.getBytes(line));
        }

        @Override
        public void onTooLong(long lineNumber, long lengthBytes) {
            out.add(new TooLongLine(lengthBytes));
        }
    }
}
