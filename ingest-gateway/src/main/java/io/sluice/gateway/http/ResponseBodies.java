package io.sluice.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.gateway.kafka.SendTally;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Renders the JSON bodies of ingest responses. */
final class ResponseBodies {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ResponseBodies() {
    }

    /**
     * Renders {@code {"written": N}} plus, when present, the rejected and failed lines with their counts, the
     * flags {@code truncated} and {@code failedTruncated} when a list was cut, and an {@code error} message.
     */
    static byte[] outcome(SendTally tally, String error) {
        return render(generator -> {
            generator.writeNumberField("written", tally.ackedCount());
            if (tally.rejectedCount() > 0) {
                writeRejections(generator, tally);
            }
            if (tally.failedCount() > 0) {
                writeFailures(generator, tally);
            }
            if (error != null) {
                generator.writeStringField("error", error);
            }
        });
    }

    /** Renders {@code {"error": "..."}} for responses sent before any line was read. */
    static byte[] error(String message) {
        return render(generator -> generator.writeStringField("error", message));
    }

    private static void writeRejections(JsonGenerator generator, SendTally tally) throws IOException {
        generator.writeArrayFieldStart("rejected");
        for (SendTally.Rejection rejection : tally.rejections()) {
            generator.writeStartObject();
            generator.writeNumberField("line", rejection.lineNumber());
            generator.writeStringField("reason", rejection.reason().label());
            generator.writeStringField("detail", rejection.detail());
            generator.writeEndObject();
        }
        generator.writeEndArray();
        generator.writeNumberField("rejectedCount", tally.rejectedCount());
        if (tally.rejectionsTruncated()) {
            generator.writeBooleanField("truncated", true);
        }
    }

    private static void writeFailures(JsonGenerator generator, SendTally tally) throws IOException {
        generator.writeArrayFieldStart("failed");
        for (SendTally.Failure failure : tally.failures()) {
            generator.writeStartObject();
            generator.writeNumberField("line", failure.lineNumber());
            generator.writeStringField("error", failure.error());
            generator.writeEndObject();
        }
        generator.writeEndArray();
        generator.writeNumberField("failedCount", tally.failedCount());
        if (tally.failuresTruncated()) {
            generator.writeBooleanField("failedTruncated", true);
        }
    }

    private static byte[] render(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            generator.writeStartObject();
            fields.write(generator);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering a response body into memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator generator) throws IOException;
    }
}
