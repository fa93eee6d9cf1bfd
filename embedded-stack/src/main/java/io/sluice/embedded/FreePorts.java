package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks free TCP ports on 127.0.0.1. Another process may still take a port between this call and its use. */
final class FreePorts {

    private FreePorts() {
    }

    /** Returns {@code count} distinct ports that were free on the loopback address at the time of the call. */
    static int[] pick(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to find a free port on 127.0.0.1", e);
        } finally {
            closeAll(sockets);
        }
    }

    private static void closeAll(ServerSocket[] sockets) {
        for (ServerSocket socket : sockets) {
            if (socket == null) {
                continue;
            }
            try {
                socket.close();
            } catch (IOException e) {
                // Only probing for a free port; a failed close leaves nothing to undo.
            }
        }
    }
}
