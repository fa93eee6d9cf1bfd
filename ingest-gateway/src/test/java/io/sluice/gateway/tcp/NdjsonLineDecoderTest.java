package io.sluice.gateway.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NdjsonLineDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new NdjsonLineDecoder(10));

    @Test
    void crlfAndLfLinesDecoded() {
        write("ab\r\ncd\n");

        assertThat(readLines()).containsExactly("ab", "cd");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void lineSplitAcrossReads() {
        write("ab");
        write("cd\r");
        write("\nef\n");

        assertThat(readLines()).containsExactly("abcd", "ef");
    }

    @Test
    void tooLongLineReportedThenDecodingContinues() {
        write("ok\n01234");
        assertThat(readLines()).containsExactly("ok");

        write("56789ABCDEF\r\nnext\n");

        assertThat(readLines()).containsExactly("too_long(16)", "next");
    }

    @Test
    void lineAtLimitWithCrlfSplitBeforeLf() {
        write("0123456789\r");
        write("\n");

        assertThat(readLines()).containsExactly("0123456789");
    }

    @Test
    void finalLineWithoutNewlineDeliveredAtEnd() {
        write("a\nlast\r");
        assertThat(readLines()).containsExactly("a");

        assertThat(channel.finish()).isTrue();
        assertThat(readLines()).containsExactly("last");
    }

    @Test
    void finalOverLongLineReportedAtHalfClose() {
        write("a\n" + "x".repeat(25));
        assertThat(readLines()).containsExactly("a");

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(readLines()).containsExactly("too_long(25)");
        assertThat(channel.finish()).isFalse();
    }

    private void write(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private List<String> readLines() {
        List<String> lines = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof NdjsonLineDecoder.TooLongLine tooLong) {
                lines.add("too_long(" + tooLong.lengthBytes() + ")");
            } else {
                lines.add(new String((byte[]) message, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }
}
