package io.sluice.gateway.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LineSplitterTest {

    private final List<String> events = new ArrayList<>();
    private final LineSplitter splitter = new LineSplitter(10, ByteBufAllocator.DEFAULT, new LineSplitter.Listener() {
        @Override
        public void onLine(ByteBuf line, long lineNumber) {
            events.add(lineNumber + ":" + line.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onTooLong(long lineNumber, long lengthBytes) {
            events.add(lineNumber + ":too_long(" + lengthBytes + ")");
        }
    });

    @Test
    void linesNumberedFromOneWithBlanks() {
        feed("a\n\nb\n");
        splitter.finish();

        assertThat(events).containsExactly("1:a", "2:", "3:b");
    }

    @Test
    void crlfStripped() {
        feed("ab\r\ncd\r\n");
        splitter.finish();

        assertThat(events).containsExactly("1:ab", "2:cd");
    }

    @Test
    void finalLineWithoutNewlineDelivered() {
        feed("a\nlast");
        assertThat(events).containsExactly("1:a");

        splitter.finish();
        assertThat(events).containsExactly("1:a", "2:last");
    }

    @Test
    void lineSplitAcrossChunks() {
        feed("ab");
        feed("cd\r");
        feed("\nef");
        feed("\n");
        splitter.finish();

        assertThat(events).containsExactly("1:abcd", "2:ef");
    }

    @Test
    void tooLongLineMidBodyThenValidLines() {
        feed("ok\n0123456789ABCDEF\nnext\n");
        splitter.finish();

        assertThat(events).containsExactly("1:ok", "2:too_long(16)", "3:next");
    }

    @Test
    void tooLongLineAcrossChunksIsNotBuffered() {
        feed("x\n01234");
        feed("56789ABC");
        feed("DEF");
        feed("GH\ny\n");
        splitter.finish();

        assertThat(events).containsExactly("1:x", "2:too_long(18)", "3:y");
    }

    @Test
    void lineOfExactlyMaxBytesAccepted() {
        feed("0123456789\r\n0123456789");
        splitter.finish();

        assertThat(events).containsExactly("1:0123456789", "2:0123456789");
    }

    @Test
    void tooLongFinalLineReported() {
        feed("a\n0123456789");
        feed("0123");
        splitter.finish();

        assertThat(events).containsExactly("1:a", "2:too_long(14)");
    }

    @Test
    void emptyInputDeliversNothing() {
        splitter.finish();

        assertThat(events).isEmpty();
        assertThat(splitter.nextLineNumber()).isEqualTo(1);
    }

    private void feed(String text) {
        ByteBuf chunk = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            splitter.feed(chunk);
            assertThat(chunk.isReadable()).isFalse();
        } finally {
            chunk.release();
        }
    }
}
