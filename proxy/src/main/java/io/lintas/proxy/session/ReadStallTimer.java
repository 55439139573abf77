package io.lintas.proxy.session;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * net_read_timeout of one client channel: the client owes the rest of a packet and sends nothing for that long.
 * A timer exists only while the client owes bytes, instead of an {@code IdleStateHandler} on every channel (a
 * pipeline hop per read and a clock read per read batch for every command, though a whole command rarely
 * arrives split). Between commands the client owes nothing: that idleness is wait_timeout's business.
 * Runs on the channel's event loop only.
 */
final class ReadStallTimer implements Runnable {
    private final Channel channel;
    private final long timeoutNanos;
    /** True while the client owes bytes we are waiting for (mid-packet, continued frames, a LOCAL INFILE upload). */
    private final BooleanSupplier owes;
    private final Runnable onTimeout;
    private ScheduledFuture<?> timer;
    /** {@link #since} holds when the client last made progress while owing; false once it owed nothing. */
    private boolean clockRunning;
    private long since;

    ReadStallTimer(Channel channel, long timeoutMillis, BooleanSupplier owes, Runnable onTimeout) {
        this.channel = channel;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.owes = owes;
        this.onTimeout = onTimeout;
    }

    /** The client's bytes were read: it made progress, and owes more or nothing. */
    void afterRead() {
        if (owes.getAsBoolean()) {
            restartClock();
        } else {
            clockRunning = false;
        }
    }

    /**
     * The session's state changed (a command ended, reading resumed, an upload was requested): the client may owe
     * bytes from now on; a clock already running keeps its start.
     */
    void stateChanged() {
        if (!clockRunning && owes.getAsBoolean()) {
            restartClock();
        }
    }

    /** Starts the client's time again from now if it owes bytes (its wait behind us did not count). */
    void restart() {
        if (owes.getAsBoolean()) {
            restartClock();
        } else {
            clockRunning = false;
        }
    }

    void cancel() {
        clockRunning = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void restartClock() {
        since = channel.eventLoop().ticker().nanoTime();
        clockRunning = true;
        if (timer == null) {
            timer = channel.eventLoop().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void run() {
        timer = null;
        if (!clockRunning || !channel.isActive()) {
            return;
        }
        if (!owes.getAsBoolean()) {
            clockRunning = false;
            return;
        }
        long left = timeoutNanos - (channel.eventLoop().ticker().nanoTime() - since);
        if (left > 0) {
            timer = channel.eventLoop().schedule(this, left, TimeUnit.NANOSECONDS);
        } else if (!channel.config().isAutoRead()) {
            // Our own pause is not the client stalling; resuming restarts its clock.
            timer = channel.eventLoop().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        } else {
            clockRunning = false;
            onTimeout.run();
        }
    }
}
