package io.lintas.monitor;

import java.util.Locale;

/** Whether the writer also serves reads (config values {@code never}, {@code when_only_node}, {@code always}). */
public enum WriterIsAlsoReader {
    /** The writer never serves reads, even when no reader is left. */
    NEVER,
    /** The writer serves reads only while no other reader is ONLINE (default). */
    WHEN_ONLY_NODE,
    /** The writer always serves reads too. */
    ALWAYS;

    /** Parses a config value: {@code never}, {@code when_only_node} or {@code always} (case and '-' tolerant). */
    public static WriterIsAlsoReader parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (WriterIsAlsoReader m : values()) {
            if (m.name().equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("writer_is_also_reader must be never, when_only_node or always: " + value);
    }

    /** The config spelling, e.g. {@code when_only_node}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
