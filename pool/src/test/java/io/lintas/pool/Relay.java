package io.lintas.pool;

import io.lintas.wire.Command;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.message.SessionStateChange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Relays a command the way a session does and collects the response, for tests. */
final class Relay {
    private Relay() {}

    /** What came back: every frame's bytes (header included) and the state changes reported to the sink. */
    record Response(List<byte[]> frames, List<SessionStateChange> changes) {
        /** Payload of the last frame. */
        byte[] lastPayload() {
            byte[] f = frames.get(frames.size() - 1);
            byte[] p = new byte[f.length - Packet.HEADER_SIZE];
            System.arraycopy(f, Packet.HEADER_SIZE, p, 0, p.length);
            return p;
        }
    }

    /** A sink that keeps copies of frames and completes a promise at the end of the response. */
    static final class CollectingSink implements ResponseSink {
        final Promise<Response> done;
        final List<byte[]> frames = new ArrayList<>();
        final List<SessionStateChange> changes = new ArrayList<>();
        volatile Throwable lost;

        CollectingSink(EventLoop loop) {
            this.done = loop.newPromise();
        }

        @Override
        public void onResponseFrame(Packet frame, ResponseTracker.Event event) {
            try {
                frames.add(ByteBufUtil.getBytes(frame.content()));
            } finally {
                frame.release();
            }
            if (event == ResponseTracker.Event.COMPLETE) {
                done.trySuccess(new Response(List.copyOf(frames), List.copyOf(changes)));
            }
        }

        @Override
        public void onReadComplete() {
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
        }

        @Override
        public void onBackendLost(Throwable cause) {
            lost = cause;
            done.tryFailure(cause);
        }

        @Override
        public void onSessionStateChanges(List<SessionStateChange> c) {
            changes.addAll(c);
        }
    }

    /** Relays COM_QUERY {@code sql} on {@code c}'s loop and waits (bounded) for the whole response. */
    static Response query(BackendConnection c, String sql) throws Exception {
        return send(c, Command.COM_QUERY, sql).get(5, TimeUnit.SECONDS);
    }

    static Future<Response> send(BackendConnection c, int command, String argument) {
        EventLoop loop = c.channel().eventLoop();
        CollectingSink sink = new CollectingSink(loop);
        loop.execute(() -> {
            try {
                c.startCommand(command, false, sink);
                byte[] arg = argument.getBytes(StandardCharsets.UTF_8);
                ByteBuf buf = PacketWriter.begin(c.channel().alloc(), 1 + arg.length);
                buf.writeByte(command).writeBytes(arg);
                c.write(new Packet(PacketWriter.finish(buf, 0)));
                c.flush();
            } catch (RuntimeException e) {
                sink.done.tryFailure(e);
            }
        });
        return sink.done;
    }

    /** Runs {@code task} on the connection's loop and waits for it. */
    static <T> T onLoop(BackendConnection c, java.util.concurrent.Callable<T> task) throws Exception {
        return c.channel().eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }
}
