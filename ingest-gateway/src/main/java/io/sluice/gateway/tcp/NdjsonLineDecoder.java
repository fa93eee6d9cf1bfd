package io.sluice.gateway.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.util.List;

/**
 * {@link LineBasedFrameDecoder} that also delivers a final line without a newline when the input ends (the client
 * shut down its output or closed). A line longer than the limit is discarded as it streams in and reported with
 * a {@code TooLongFrameException} once its newline arrives; decoding then goes on with the next line.
 */
public final class NdjsonLineDecoder extends LineBasedFrameDecoder {

    private final int maxLineBytes;

    public NdjsonLineDecoder(int maxLineBytes) {
        super(maxLineBytes, true, false);
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        // Complete lines were decoded before this call, so what is left is one unterminated line. A longer one
        // was already skipped by the discard mode of the parent class.
        int length = in.readableBytes();
        if (length == 0 || length > maxLineBytes) {
            return;
        }
        if (in.getByte(in.readerIndex() + length - 1) == '\r') {
            length--;
        }
        out.add(in.readRetainedSlice(length));
        in.skipBytes(in.readableBytes());
    }
}
