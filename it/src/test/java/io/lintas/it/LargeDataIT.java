package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packets of 16 MiB and more (split into several frames) both ways, and LOAD DATA LOCAL INFILE (the
 * client streams a file to the server in the middle of a command).
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(180)
class LargeDataIT {
    /** 20 MiB: a packet of this size is sent as a 16 MiB - 1 frame plus a continuation. */
    private static final int BLOB_SIZE = 20 * 1024 * 1024;
    private static final String BIG_PACKETS = "maxAllowedPacket=67108864";
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        lintas = LintasProcess.start("LargeDataIT");
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {true, false})
    void blobOf20MiBRoundTripsByteIdentical(boolean serverPrep) throws SQLException {
        String table = Db.uniqueName("it_blob");
        byte[] data = new byte[BLOB_SIZE];
        new Random(20_240_229L + (serverPrep ? 1 : 0)).nextBytes(data);
        try (Connection c = Db.viaLintas(lintas, BIG_PACKETS + "&useServerPrepStmts=" + serverPrep)) {
            Db.exec(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY, data LONGBLOB NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, data) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setBytes(2, data);
                assertEquals(1, ps.executeUpdate());
            }
            // The server saw exactly these bytes...
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT LENGTH(data), SHA2(data, 256) FROM " + table + " WHERE id = 1")) {
                assertTrue(rs.next());
                assertEquals(BLOB_SIZE, rs.getLong(1));
                assertEquals(sha256(data), rs.getString(2));
            }
            // ...and the client gets them back (a > 16 MiB row packet from the server, text and binary protocol).
            try (PreparedStatement ps = c.prepareStatement("SELECT data, @@port FROM " + table + " WHERE id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    byte[] back = rs.getBytes(1);
                    assertEquals(BLOB_SIZE, back.length);
                    assertArrayEquals(data, back);
                    assertNotEquals(Sandbox.NODE3_PORT, rs.getInt(2), "a prepared read runs on a reader");
                    assertFalse(rs.next());
                }
            }
            // The session is still in step after the big packets.
            assertEquals(1, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void exactly16MiBMinusOneRow() throws SQLException {
        // A row payload of exactly 0xFFFFFF bytes must be followed by an empty continuation frame.
        int len = 0xFFFFFF - 4; // minus the lenenc length prefix (0xFD + 3 bytes)
        try (Connection c = Db.viaLintas(lintas, BIG_PACKETS); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT REPEAT('z', " + len + ")")) {
            assertTrue(rs.next());
            assertEquals(len, rs.getString(1).length());
            assertFalse(rs.next());
        }
        try (Connection c = Db.viaLintas(lintas, BIG_PACKETS)) {
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        }
    }

    @Test
    void loadDataLocalInfile(@TempDir Path dir) throws IOException, SQLException {
        String table = Db.uniqueName("it_infile");
        Path file = dir.resolve("rows.csv");
        int lines = 10_000;
        long expectedSum = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= lines; i++) {
                w.write(i + ",name-" + i + "," + "p".repeat(i % 200) + "\n");
                expectedSum += i;
            }
        }
        try (Connection c = Db.viaLintas(lintas, "allowLocalInfile=true")) {
            Db.exec(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(40), pad VARCHAR(255))");
            try (Statement st = c.createStatement()) {
                int loaded = st.executeUpdate("LOAD DATA LOCAL INFILE '" + file.toAbsolutePath() + "' INTO TABLE " + table
                    + " FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' (id, name, pad)");
                assertEquals(lines, loaded);
            }
            assertEquals(lines, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            assertEquals(expectedSum, Db.scalarLong(c, "SELECT SUM(id) FROM " + table));
            assertEquals("name-1234", Db.scalarString(c, "SELECT name FROM " + table + " WHERE id = 1234"));
            assertEquals(1234 % 200, Db.scalarLong(c, "SELECT LENGTH(pad) FROM " + table + " WHERE id = 1234"));
            // The upload ended cleanly: the next commands are answered normally.
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
            // A second upload on the same session.
            try (Statement st = c.createStatement()) {
                int loaded = st.executeUpdate("LOAD DATA LOCAL INFILE '" + file.toAbsolutePath() + "' REPLACE INTO TABLE "
                    + table + " FIELDS TERMINATED BY ',' (id, name, pad)");
                assertTrue(loaded >= lines, "affected rows of LOAD DATA ... REPLACE: " + loaded);
            }
            assertEquals(lines, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void loadDataLocalInfileOfAMissingFileFailsCleanly(@TempDir Path dir) throws SQLException {
        String table = Db.uniqueName("it_infile_missing");
        try (Connection c = Db.viaLintas(lintas, "allowLocalInfile=true")) {
            Db.exec(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            try (Statement st = c.createStatement()) {
                st.executeUpdate("LOAD DATA LOCAL INFILE '" + dir.resolve("does-not-exist.csv") + "' INTO TABLE " + table);
            } catch (SQLException expected) {
                // The driver reports the missing file after finishing the exchange with an empty upload.
            }
            assertEquals(0, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        } finally {
            Db.dropTables(table);
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
