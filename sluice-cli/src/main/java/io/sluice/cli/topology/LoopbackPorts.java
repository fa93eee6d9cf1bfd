package io.sluice.cli.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Resolves port 0 to a port that is free on 127.0.0.1, so it can be handed to a child process. Used by one thread. */
final class LoopbackPorts {

    private static final int ATTEMPTS = 20;

    private final Set<Integer> handedOut = new HashSet<>();

    /**
     * Returns {@code port} unless it is 0, else a port that was free on 127.0.0.1 a moment ago and was not handed
     * out before. Another process can still take it before the child binds it; the child then fails to start and
     * logs the bind failure.
     */
    int resolve(int port) {
        if (port != 0) {
            handedOut.add(port);
            return port;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int free = probe();
            if (handedOut.add(free)) {
                return free;
            }
        }
        throw new IllegalStateException("failed to find a free port on 127.0.0.1 that was not already handed out"
                + " after " + ATTEMPTS + " attempts");
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to find a free port on 127.0.0.1", e);
        }
    }
}
