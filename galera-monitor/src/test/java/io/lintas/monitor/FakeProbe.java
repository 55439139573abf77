package io.lintas.monitor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A probe whose answer and speed the test sets; counts calls and concurrency. */
final class FakeProbe implements HealthProbe {
    volatile Supplier<CheckResult> answer = Fixtures::ok;
    volatile long delayMs;
    volatile boolean closed;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    FakeProbe healthy() {
        answer = Fixtures::ok;
        return this;
    }

    FakeProbe failing(String why) {
        answer = () -> Fixtures.fail(why);
        return this;
    }

    FakeProbe answering(WsrepStatus s) {
        answer = () -> Fixtures.ok(s);
        return this;
    }

    @Override
    public CheckResult check() {
        calls.incrementAndGet();
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        try {
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Fixtures.fail("interrupted");
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
