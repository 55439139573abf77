package io.lintas.proxy.session;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadStallTimerTest {
    private static final long TIMEOUT_MS = 1_000;

    private final AtomicBoolean owes = new AtomicBoolean();
    private final AtomicInteger timeouts = new AtomicInteger();
    private EmbeddedChannel channel;
    private ReadStallTimer timer;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        timer = new ReadStallTimer(channel, TIMEOUT_MS, owes::get, timeouts::incrementAndGet);
    }

    private void advance(long ms) {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aClientThatOwesNothingIsNeverTimedOut() {
        timer.afterRead();
        timer.stateChanged();
        advance(5 * TIMEOUT_MS);
        assertEquals(0, timeouts.get());
    }

    @Test
    void aStalledPacketTimesOutOnceTheClientSendsNothingForTheTimeout() {
        owes.set(true);
        timer.afterRead();
        advance(TIMEOUT_MS - 1);
        assertEquals(0, timeouts.get());
        timer.afterRead(); // more bytes of the packet: progress
        advance(TIMEOUT_MS - 1);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get());
    }

    @Test
    void ourOwnPauseDoesNotCountAndResumingRestartsTheClock() {
        owes.set(true);
        timer.afterRead();
        channel.config().setAutoRead(false);
        advance(3 * TIMEOUT_MS);
        assertEquals(0, timeouts.get());
        channel.config().setAutoRead(true);
        timer.restart();
        advance(TIMEOUT_MS - 1);
        assertEquals(0, timeouts.get());
        advance(TIMEOUT_MS);
        assertEquals(1, timeouts.get());
    }

    @Test
    void aPacketCompletedBeforeTheTimeoutDisarmsTheTimer() {
        owes.set(true);
        timer.afterRead();
        owes.set(false);
        timer.afterRead();
        advance(TIMEOUT_MS / 2);
        owes.set(true); // e.g. a LOCAL INFILE request: the client owes the file from now on
        timer.stateChanged();
        advance(TIMEOUT_MS - 1);
        assertEquals(0, timeouts.get());
        advance(1);
        assertEquals(1, timeouts.get());
    }

    @Test
    void cancelledOnClose() {
        owes.set(true);
        timer.afterRead();
        timer.cancel();
        advance(3 * TIMEOUT_MS);
        assertEquals(0, timeouts.get());
    }
}
