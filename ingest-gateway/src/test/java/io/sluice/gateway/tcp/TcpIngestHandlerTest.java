package io.sluice.gateway.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.gateway.IngestContext;
import io.sluice.gateway.LineIngester;
import io.sluice.gateway.backpressure.ConnectionLimiter;
import io.sluice.gateway.backpressure.ReadGate;
import io.sluice.gateway.config.IngestOptions;
import io.sluice.gateway.kafka.NonBlockingProducer;
import io.sluice.gateway.kafka.RecordFactory;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.ndjson.LineValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TcpIngestHandlerTest {

    private static final int MAX_LINE_BYTES = 200;

    private final MockProducer<byte[], byte[]> mock =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final ReadGate gate = new ReadGate(System::nanoTime);
    private final NonBlockingProducer producer = new NonBlockingProducer(mock, gate, 0.5, () -> { });
    private final IngestOptions options = new IngestOptions(Set.of("events"), "events", null, MAX_LINE_BYTES, 0,
            10, Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(30), 0.5);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, options.topics());
    private final IngestContext context = new IngestContext(options, new LineIngester(producer,
            new LineValidator(null), new RecordFactory(Clock.systemUTC()), metrics), gate, new ConnectionLimiter(10),
            metrics, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));

    @AfterEach
    void close() {
        producer.close(Duration.ofSeconds(1));
    }

    @Test
    void crlfLineAtLimitAcceptedAtEverySplit() {
        byte[] input = (lineOf(MAX_LINE_BYTES) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= input.length; split++) {
            mock.clear();
            EmbeddedChannel channel = newChannel();
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));

            assertThat(mock.history()).as("records with the split after byte %d", split).hasSize(1);
            assertThat(mock.history().get(0).value()).as("value with the split after byte %d", split)
                    .hasSize(MAX_LINE_BYTES);
            assertThat(halfClose(channel)).as("summary with the split after byte %d", split)
                    .isEqualTo("{\"acked\":1,\"rejected\":0,\"failed\":0}\n");
        }
    }

    @Test
    void crlfLineAtLimitAcceptedByteByByte() {
        byte[] input = (lineOf(MAX_LINE_BYTES) + "\r\n" + lineOf(MAX_LINE_BYTES) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        EmbeddedChannel channel = newChannel();
        for (byte b : input) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(mock.history()).hasSize(2);
        assertThat(halfClose(channel)).isEqualTo("{\"acked\":2,\"rejected\":0,\"failed\":0}\n");
    }

    @Test
    void lineOverLimitRejectedAtEverySplit() {
        byte[] input = (lineOf(MAX_LINE_BYTES + 1) + "\r\n{\"next\":1}\n").getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= input.length; split++) {
            mock.clear();
            EmbeddedChannel channel = newChannel();
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));

            assertThat(mock.history()).as("records with the split after byte %d", split).hasSize(1);
            assertThat(halfClose(channel)).as("summary with the split after byte %d", split)
                    .isEqualTo("{\"acked\":1,\"rejected\":1,\"failed\":0}\n");
        }
    }

    @Test
    void unterminatedLastLineOverLimitCounted() {
        EmbeddedChannel channel = newChannel();
        channel.writeInbound(Unpooled.copiedBuffer("{\"n\":1}\n" + "x".repeat(3 * MAX_LINE_BYTES),
                StandardCharsets.US_ASCII));

        assertThat(halfClose(channel)).isEqualTo("{\"acked\":1,\"rejected\":1,\"failed\":0}\n");
        assertThat(registry.get(GatewayMetrics.EVENTS_REJECTED).tag("reason", "too_long").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void idleCloseWritesSummary() {
        EmbeddedChannel channel = newChannel();
        channel.writeInbound(Unpooled.copiedBuffer("{\"n\":1}\nnot json\n", StandardCharsets.US_ASCII));

        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        channel.runPendingTasks();

        assertThat(mock.history()).hasSize(1);
        assertThat(readOutput(channel)).isEqualTo("{\"acked\":1,\"rejected\":1,\"failed\":0}\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void byteOrderMarkStrippedFromFirstLineOnly() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        EmbeddedChannel channel = newChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(bom), Unpooled.copiedBuffer("{\"n\":1}\n", StandardCharsets.UTF_8),
                Unpooled.wrappedBuffer(bom), Unpooled.copiedBuffer("{\"n\":2}\n", StandardCharsets.UTF_8));

        assertThat(mock.history()).hasSize(1);
        assertThat(new String(mock.history().get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(halfClose(channel)).isEqualTo("{\"acked\":1,\"rejected\":1,\"failed\":0}\n");
    }

    private EmbeddedChannel newChannel() {
        return new EmbeddedChannel(new NdjsonLineDecoder(MAX_LINE_BYTES), new TcpIngestHandler(context));
    }

    /** Ends the input as a client half-close does and returns the summary line the handler wrote. */
    private static String halfClose(EmbeddedChannel channel) {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.runPendingTasks();
        String output = readOutput(channel);
        channel.finishAndReleaseAll();
        return output;
    }

    private static String readOutput(EmbeddedChannel channel) {
        StringBuilder output = new StringBuilder();
        ByteBuf buffer;
        while ((buffer = channel.readOutbound()) != null) {
            output.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return output.toString();
    }

    /** Returns a JSON object line of exactly {@code length} bytes. */
    private static String lineOf(int length) {
        return "{\"p\":\"" + "x".repeat(length - 8) + "\"}";
    }
}
