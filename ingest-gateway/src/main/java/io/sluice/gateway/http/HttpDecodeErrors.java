package io.sluice.gateway.http;

import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.InvalidChunkExtensionException;
import io.netty.handler.codec.http.InvalidChunkTerminationException;
import io.netty.handler.codec.http.InvalidLineSeparatorException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;
import java.util.List;

/**
 * Plain messages for the decoding failures of Netty's HTTP codec, chosen by exception type, so responses name
 * the problem in HTTP terms instead of showing Java class names. The handler logs the original at debug.
 */
final class HttpDecodeErrors {

    private HttpDecodeErrors() {
    }

    /** Describes why the head of {@code request} could not be decoded. */
    static String describeHead(HttpRequest request, Throwable cause) {
        if (cause instanceof ContentLengthNotAllowedException) {
            return "invalid Content-Length header: it must not be sent together with Transfer-Encoding";
        }
        if (hasInvalidContentLength(request)) {
            return "invalid Content-Length header: send exactly one non-negative decimal value";
        }
        if (cause instanceof TransferEncodingNotAllowedException) {
            return "invalid Transfer-Encoding header: it is not allowed in this request";
        }
        if (cause instanceof TooLongHttpLineException) {
            return "request line longer than " + HttpIngestInitializer.MAX_INITIAL_LINE_BYTES + " bytes";
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return "request headers longer than " + HttpIngestInitializer.MAX_HEADER_BYTES + " bytes";
        }
        if (cause instanceof InvalidLineSeparatorException) {
            return "request head lines must end in CRLF";
        }
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            // The codec's own checks of the request line and header names raise this type with plain messages.
            return "malformed request head: " + cause.getMessage();
        }
        return "malformed request head";
    }

    /** Describes why a chunk of a request body could not be decoded. */
    static String describeBody(Throwable cause) {
        if (cause instanceof NumberFormatException) {
            return "invalid chunk size: expected a hexadecimal number";
        }
        if (cause instanceof InvalidChunkExtensionException) {
            return "invalid chunk extension";
        }
        if (cause instanceof InvalidChunkTerminationException) {
            return "chunk data not followed by CRLF";
        }
        if (cause instanceof TooLongHttpLineException) {
            return "chunk size line too long";
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return "trailer headers longer than " + HttpIngestInitializer.MAX_HEADER_BYTES + " bytes";
        }
        return "malformed chunked body";
    }

    private static boolean hasInvalidContentLength(HttpRequest request) {
        List<String> values = request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (values.isEmpty()) {
            return false;
        }
        if (values.size() > 1) {
            return true;
        }
        try {
            return Long.parseLong(values.get(0).trim()) < 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
