package io.lintas.router.stats;

import io.lintas.router.testutil.Allocations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestStatsTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000L);

    private DigestStats stats(int max) {
        return new DigestStats(max, now::get);
    }

    @Test
    void countsTimesAndSeenPerKey() {
        DigestStats s = stats(100);
        s.record(0xABCL, "SELECT * FROM t WHERE id=?", 20, "app", "shop", 150);
        now.addAndGet(5);
        s.record(0xABCL, "SELECT * FROM t WHERE id=?", 20, "app", "shop", 50);
        now.addAndGet(3);
        s.record(0xABCL, "SELECT * FROM t WHERE id=?", 20, "app", "shop", 400);
        List<DigestRow> rows = s.snapshot();
        assertEquals(List.of(new DigestRow(20, "shop", "app", "0x0000000000000ABC", "SELECT * FROM t WHERE id=?", 3,
                1_700_000_000L, 1_700_000_008L, 600, 50, 400)), rows);
        assertEquals(1, s.size());
    }

    @Test
    void hostgroupUserAndSchemaSplitKeys() {
        DigestStats s = stats(100);
        s.record(1, "SELECT ?", 10, "app", "shop", 1);
        s.record(1, "SELECT ?", 20, "app", "shop", 2);
        s.record(1, "SELECT ?", 20, "report", "shop", 4);
        s.record(1, "SELECT ?", 20, "report", "audit", 8);
        s.record(1, "SELECT ?", 20, "report", "audit", 16);
        List<DigestRow> rows = s.snapshot();
        assertEquals(4, rows.size());
        // largest total time first
        assertEquals(List.of(24L, 4L, 2L, 1L), rows.stream().map(DigestRow::sumTimeUs).toList());
        assertEquals(2, rows.get(0).countStar());
        assertEquals("audit", rows.get(0).schemaname());
    }

    @Test
    void digestIsPrintedAsProxySqlDoes() {
        DigestStats s = stats(10);
        s.record(-1L, "X", 0, "u", "s", 1);
        s.record(0x5AE88C1B39DFF7A7L, "Y", 0, "u", "s", 2);
        List<String> digests = s.snapshot().stream().map(DigestRow::digest).toList();
        assertEquals(List.of("0x5AE88C1B39DFF7A7", "0xFFFFFFFFFFFFFFFF"), digests);
    }

    @Test
    void nullUserSchemaAndTextAreEmptyAndNegativeTimeIsZero() {
        DigestStats s = stats(10);
        s.record(7, null, 1, null, null, -5);
        s.record(7, null, 1, "", "", 3);
        DigestRow r = s.snapshot().get(0);
        assertEquals(new DigestRow(1, "", "", "0x0000000000000007", "", 2, 1_700_000_000L, 1_700_000_000L, 3, 0, 3), r);
    }

    @Test
    void longDigestTextIsTruncated() {
        DigestStats s = stats(10);
        s.record(1, "S".repeat(5000), 0, "u", "s", 1);
        assertEquals(DigestStats.MAX_DIGEST_TEXT, s.snapshot().get(0).digestText().length());
        String pair = "\uD83D\uDE00"; // one code point, two chars
        String text = "a".repeat(DigestStats.MAX_DIGEST_TEXT - 1) + pair;
        s.record(2, text, 0, "u", "s", 1);
        String kept = s.snapshot().stream().filter(r -> r.digest().endsWith("2")).findFirst().orElseThrow()
                .digestText();
        assertEquals(DigestStats.MAX_DIGEST_TEXT - 1, kept.length()); // the pair is not split
    }

    @Test
    void newKeysBeyondTheLimitOverflowWhileKnownKeysKeepCounting() {
        DigestStats s = stats(2);
        s.record(1, "A", 0, "u", "s", 1);
        s.record(2, "B", 0, "u", "s", 1);
        s.record(3, "C", 0, "u", "s", 1);
        s.record(3, "C", 0, "u", "s", 1);
        s.record(1, "A", 0, "u", "s", 1);
        assertEquals(2, s.overflowed());
        assertEquals(2, s.size());
        assertEquals(3, s.snapshot().stream().mapToLong(DigestRow::countStar).sum());
    }

    @Test
    void snapshotAndResetStartsAgain() {
        DigestStats s = stats(1);
        s.record(1, "A", 0, "u", "s", 10);
        s.record(2, "B", 0, "u", "s", 10);
        List<DigestRow> first = s.snapshotAndReset();
        assertEquals(1, first.size());
        assertEquals(0, s.overflowed());
        assertTrue(s.snapshot().isEmpty());
        now.addAndGet(60);
        s.record(2, "B", 0, "u", "s", 7);
        DigestRow r = s.snapshotAndReset().get(0);
        assertEquals(1, r.countStar());
        assertEquals(1_700_000_060L, r.firstSeen());
        assertEquals(7, r.sumTimeUs());
    }

    @Test
    void rejectsSillyLimits() {
        assertThrows(IllegalArgumentException.class, () -> new DigestStats(0));
        assertThrows(IllegalArgumentException.class, () -> new DigestStats(Integer.MAX_VALUE));
        assertEquals(5, new DigestStats(5).maxEntries());
    }

    @Test
    void recordingAKnownKeyAllocatesNothing() {
        DigestStats s = new DigestStats(1000);
        for (int i = 0; i < 500; i++) {
            s.record(i, "SELECT " + i, 20, "app", "shop", i);
        }
        String text = "SELECT 7";
        long bytes = Allocations.measure(20_000, 10_000, () -> s.record(7, text, 20, "app", "shop", 12));
        assertTrue(bytes < 1024, "10,000 records of a known key allocated " + bytes + " bytes");
    }

    @Test
    void concurrentRecordsAreCountedExactly() throws Exception {
        DigestStats s = stats(1000);
        int threads = 4;
        int perThread = 20_000;
        int keys = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int k = i % keys;
                        s.record(k, "Q" + k, k % 2 == 0 ? 10 : 20, "app", "shop", 1 + (i % 7));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<DigestRow> rows = s.snapshot();
        assertEquals(keys, rows.size());
        assertEquals((long) threads * perThread, rows.stream().mapToLong(DigestRow::countStar).sum());
        long expectedSum = 0;
        for (int i = 0; i < perThread; i++) {
            expectedSum += 1 + (i % 7);
        }
        assertEquals(expectedSum * threads, rows.stream().mapToLong(DigestRow::sumTimeUs).sum());
        for (DigestRow r : rows) {
            assertEquals(1, r.minTimeUs());
            assertEquals(7, r.maxTimeUs());
        }
        assertEquals(0, s.overflowed());
    }
}
