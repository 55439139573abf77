package io.lintas.proxy.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final LoginThrottle throttle = new LoginThrottle(
        new LoginThrottle.Settings(2, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofMinutes(10), 3), now::get);

    @Test
    void delayStartsAfterTheFreeFailuresAndDoublesUpToTheCap() {
        assertEquals(Duration.ZERO, throttle.delayFor("10.0.0.1"));
        assertEquals(Duration.ZERO, throttle.recordFailure("10.0.0.1"));
        assertEquals(Duration.ZERO, throttle.recordFailure("10.0.0.1"));
        assertEquals(Duration.ofMillis(100), throttle.recordFailure("10.0.0.1"));
        assertEquals(Duration.ofMillis(200), throttle.recordFailure("10.0.0.1"));
        assertEquals(Duration.ofMillis(400), throttle.recordFailure("10.0.0.1"));
        assertEquals(Duration.ofMillis(800), throttle.recordFailure("10.0.0.1"));
        assertEquals(Duration.ofMillis(1000), throttle.recordFailure("10.0.0.1"));
        for (int i = 0; i < 100; i++) {
            throttle.recordFailure("10.0.0.1");
        }
        assertEquals(Duration.ofMillis(1000), throttle.delayFor("10.0.0.1"));
        assertEquals(Duration.ZERO, throttle.delayFor("10.0.0.2"), "other addresses are not affected");
    }

    @Test
    void successClearsAndEntriesExpire() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure("a");
            throttle.recordFailure("b");
        }
        throttle.recordSuccess("a");
        assertEquals(Duration.ZERO, throttle.delayFor("a"));
        assertEquals(Duration.ofMillis(200), throttle.delayFor("b"));
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertEquals(Duration.ZERO, throttle.delayFor("b"));
        assertEquals(0, throttle.trackedAddresses());
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentlySeenAddress() {
        for (int i = 0; i < 1000; i++) {
            throttle.recordFailure("10.0.0." + i);
        }
        assertEquals(3, throttle.trackedAddresses());
        assertEquals(Duration.ZERO, throttle.delayFor("10.0.0.0"));
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class,
            () -> new LoginThrottle.Settings(1, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class,
            () -> new LoginThrottle.Settings(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        LoginThrottle t = new LoginThrottle(new LoginThrottle.Settings(30, Duration.ofMillis(1), Duration.ofDays(1), Duration.ofDays(1), 10));
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int j = 0; j < 5; j++) {
                    t.recordFailure("x");
                }
            });
            threads[i].start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(Duration.ofMillis(512), t.delayFor("x")); // 40 failures, 30 free: 1 ms doubled 9 times
    }
}
