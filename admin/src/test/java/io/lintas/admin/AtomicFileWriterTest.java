package io.lintas.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class AtomicFileWriterTest {

    @Test
    void replacesAndKeepsTheFormerFileAsBackup(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("lintas.yaml");
        AtomicFileWriter.write(cfg, "one\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("one\n", Files.readString(cfg));
        assertFalse(Files.exists(AtomicFileWriter.backupOf(cfg)), "nothing to back up the first time");

        AtomicFileWriter.write(cfg, "two\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("two\n", Files.readString(cfg));
        assertEquals("one\n", Files.readString(dir.resolve("lintas.yaml.bak")));

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("lintas.yaml", "lintas.yaml.bak"),
                files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left behind");
        }
    }
}
