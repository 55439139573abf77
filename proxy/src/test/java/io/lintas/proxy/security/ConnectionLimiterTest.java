package io.lintas.proxy.security;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnectionLimiterTest {
    private final Map<String, Integer> limits = Map.of("app", 2);
    private final ConnectionLimiter limiter = new ConnectionLimiter(3, u -> limits.getOrDefault(u, 0));

    @Test
    void globalLimitRefusesAndReleaseFreesASlot() {
        var a = limiter.tryAcquire();
        var b = limiter.tryAcquire();
        var c = limiter.tryAcquire();
        assertNotNull(c);
        assertNull(limiter.tryAcquire());
        b.close();
        b.close(); // idempotent
        assertEquals(2, limiter.openConnections());
        assertNotNull(limiter.tryAcquire());
        a.close();
    }

    @Test
    void perUserLimit() {
        var a = limiter.tryAcquire();
        var b = limiter.tryAcquire();
        var c = limiter.tryAcquire();
        assertNull(a.tryBindUser("app"));
        assertNull(b.tryBindUser("app"));
        assertEquals(ConnectionLimiter.Refusal.USER, c.tryBindUser("app"));
        assertNull(c.tryBindUser("other"), "no limit configured");
        assertEquals(2, limiter.openConnections("app"));
        a.close();
        assertEquals(1, limiter.openConnections("app"));
        assertEquals(2, limiter.limitOf("app"));
    }

    @Test
    void changeUserMovesTheSlot() {
        var a = limiter.tryAcquire();
        assertNull(a.tryBindUser("app"));
        assertNull(a.tryBindUser("app"), "same user again takes no second slot");
        assertNull(a.tryBindUser("other"));
        assertEquals(0, limiter.openConnections("app"));
        assertEquals(1, limiter.openConnections("other"));
        a.close();
        assertEquals(0, limiter.openConnections("other"));
        assertThrows(IllegalStateException.class, () -> a.tryBindUser("app"));
    }

    @Test
    void zeroMeansUnlimited() {
        var unlimited = new ConnectionLimiter(0, u -> 0);
        List<ConnectionLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            permits.add(unlimited.tryAcquire());
        }
        assertEquals(10_000, unlimited.openConnections());
        permits.forEach(ConnectionLimiter.Permit::close);
        assertEquals(0, unlimited.openConnections());
    }

    @Test
    void neverOvershootsUnderContention() throws Exception {
        var l = new ConnectionLimiter(50, u -> 20);
        var granted = new ConcurrentLinkedQueue<ConnectionLimiter.Permit>();
        var bound = new ConcurrentLinkedQueue<ConnectionLimiter.Permit>();
        var start = new CountDownLatch(1);
        Thread[] threads = new Thread[16];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < 1000; j++) {
                    var p = l.tryAcquire();
                    if (p != null) {
                        granted.add(p);
                        if (p.tryBindUser("u") == null) {
                            bound.add(p);
                        }
                    }
                }
            });
            threads[i].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(50, granted.size());
        assertEquals(20, bound.size());
        assertEquals(20, l.openConnections("u"));
        granted.forEach(ConnectionLimiter.Permit::close);
        assertEquals(0, l.openConnections());
        assertEquals(0, l.openConnections("u"));
    }
}
