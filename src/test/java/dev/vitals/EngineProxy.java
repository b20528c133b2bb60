package dev.vitals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP door to the local Docker engine's socket that a test can shut and open again: to
 * Vitals, the engine stops answering mid-deploy (connections cut, new ones refused) and comes back.
 */
public final class EngineProxy {
    private final Path socket;
    private final int port;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocketChannel server;

    public EngineProxy(Path socket) {
        this.socket = socket;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            this.port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restore();
    }

    public String endpoint() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The engine answers again. */
    public synchronized void restore() {
        if (server != null) {
            return;
        }
        try {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            server = s;
            Thread.ofVirtual().name("engine-proxy").start(() -> accept(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The engine stops answering: every connection is cut and new ones are refused. */
    public synchronized void cut() {
        try {
            if (server != null) {
                server.close();
                server = null;
            }
        } catch (IOException ignored) {
            // already closed
        }
        for (SocketChannel c : open) {
            close(c);
        }
    }

    private void accept(ServerSocketChannel s) {
        while (s.isOpen()) {
            try {
                SocketChannel client = s.accept();
                SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX);
                engine.connect(UnixDomainSocketAddress.of(socket));
                open.add(client);
                open.add(engine);
                Thread.ofVirtual().start(() -> pump(client, engine));
                Thread.ofVirtual().start(() -> pump(engine, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException ignored) {
            // the other side or cut() closed it
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(SocketChannel c) {
        open.remove(c);
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
