package io.lintas.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The collation ids a handshake can carry (one byte) with their character set and collation names, as MariaDB
 * 10.11 numbers them ({@code collations.tsv}, read from {@code information_schema.COLLATIONS}). A session needs
 * the names to put a connection's character set back to what the client logged in with.
 */
public final class Collations {
    /** One collation: its id, character set and name. */
    public record Collation(int id, String characterSet, String name) {}

    private static final Collation[] BY_ID = load();

    private Collations() {}

    /** The collation with this handshake id, or null when MariaDB has none with that id. */
    public static Collation byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    private static Collation[] load() {
        Collation[] table = new Collation[256];
        try (InputStream in = Collations.class.getResourceAsStream("collations.tsv")) {
            if (in == null) {
                throw new IllegalStateException("collations.tsv missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                int id = Integer.parseInt(f[0].trim());
                table[id] = new Collation(id, f[1].trim(), f[2].trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }
}
