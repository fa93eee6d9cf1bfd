package io.sluice.gateway.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
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
    void tooLongLineFailsThenDecodingContinues() {
        write("ok\n01234");
        assertThat(readLines()).containsExactly("ok");

        assertThatThrownBy(() -> write("56789ABCDEF\nnext\n")).isInstanceOf(TooLongFrameException.class);
        write("");
        assertThat(readLines()).containsExactly("next");
    }

    @Test
    void finalLineWithoutNewlineDeliveredAtEnd() {
        write("a\nlast\r");
        assertThat(readLines()).containsExactly("a");

        assertThat(channel.finish()).isTrue();
        assertThat(readLines()).containsExactly("last");
    }

    private void write(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private List<String> readLines() {
        List<String> lines = new ArrayList<>();
        ByteBuf line;
        while ((line = channel.readInbound()) != null) {
            lines.add(line.toString(StandardCharsets.UTF_8));
            line.release();
        }
        return lines;
    }
}
