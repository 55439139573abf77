package io.lintas.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * The first handler of a client channel: counts client connections and bytes in both directions, and every ERR
 * packet written to the client (Lintas's own and relayed ones), for the metrics and the admin's global stats.
 * It only reads frame headers and the first payload bytes of what passes through; it never copies or holds a
 * buffer. Runs on the channel's event loop, so its state needs no synchronisation.
 */
public final class ClientTrafficHandler extends ChannelDuplexHandler {
    private static final int MAX_FRAME = 0xFFFFFF;

    private final DataPathMetrics metrics;
    private final ClientSession session;
    private boolean counted;
    /** Bytes of a frame that began in an earlier write and continue in the next one. */
    private long skip;
    /** The previous frame was a full 16 MiB one: the next frame continues its packet (not a new packet). */
    private boolean continuation;
    /** Bytes of an ERR packet's code still to come in the next write (its header came in this one). */
    private int errNeeded;
    private int errCode;
    /** Bytes written since the last flush: counted once per flush, not per frame (a result has several). */
    private long unflushedOut;

    /** Counts the traffic of {@code session}'s channel. */
    public ClientTrafficHandler(DataPathMetrics metrics, ClientSession session) {
        this.metrics = metrics;
        this.session = session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        counted = true;
        metrics.clientConnected();
        session.activity.client(ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        recordBytesOut();
        if (counted) {
            counted = false;
            metrics.clientDisconnected();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            metrics.bytesIn(b.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf b) {
            unflushedOut += b.readableBytes();
            scan(b);
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) throws Exception {
        recordBytesOut();
        super.flush(ctx);
    }

    private void recordBytesOut() {
        if (unflushedOut > 0) {
            metrics.bytesOut(unflushedOut);
            unflushedOut = 0;
        }
    }

    /** Walks the frames in {@code b} (which may start or end in the middle of one) and counts ERR packets. */
    private void scan(ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        for (int at = i; errNeeded > 0 && at < end; at++) {
            errCode |= b.getUnsignedByte(at) << (8 * (2 - errNeeded));
            if (--errNeeded == 0) {
                metrics.error(errCode);
            }
        }
        if (skip > 0) {
            long step = Math.min(skip, end - i);
            skip -= step;
            i += (int) step;
        }
        while (i + 4 <= end) {
            int length = b.getUnsignedMediumLE(i);
            if (!continuation && length >= 3 && i + 5 <= end && b.getUnsignedByte(i + 4) == 0xFF) {
                if (i + 7 <= end) {
                    metrics.error(b.getUnsignedShortLE(i + 5));
                } else {
                    // The code continues in the next write (frames are written whole by the relay; this is the rare rest).
                    errNeeded = i + 7 - end;
                    errCode = errNeeded == 1 ? b.getUnsignedByte(i + 5) : 0;
                }
            }
            continuation = length == MAX_FRAME;
            long next = (long) i + 4 + length;
            if (next > end) {
                skip = next - end;
                return;
            }
            i = (int) next;
        }
    }
}
