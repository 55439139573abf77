package io.lintas.admin;

import io.lintas.admin.net.ResultSetWriter;
import io.lintas.admin.sql.AdminResult;
import io.lintas.wire.Capabilities;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.ServerStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResultSetWriterTest {
    private static final long CAPS = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION;
    private static final AdminResult.Rows ROWS = new AdminResult.Rows(
        List.of(AdminResult.Column.text("hostname"), new AdminResult.Column("main", "mysql_servers", "port", AdminResult.ColumnType.LONGLONG)),
        List.of(new String[] {"node1", "3311"}, new String[] {null, "3312"}));

    private static List<ByteBuf> frames(long caps) {
        return new ResultSetWriter(UnpooledByteBufAllocator.DEFAULT, caps, ServerStatus.AUTOCOMMIT).frames(ROWS, 1);
    }

    private static int firstByte(ByteBuf frame) {
        return frame.getUnsignedByte(4);
    }

    private static int seq(ByteBuf frame) {
        return frame.getUnsignedByte(3);
    }

    @Test
    void classicEofAfterColumnsAndRows() {
        List<ByteBuf> f = frames(CAPS);
        // count, 2 column definitions, EOF, 2 rows, EOF
        assertEquals(7, f.size());
        for (int i = 0; i < f.size(); i++) {
            assertEquals(i + 1, seq(f.get(i)));
        }
        assertEquals(2, firstByte(f.get(0)));
        assertEquals(0xFE, firstByte(f.get(3)));
        assertEquals(9, f.get(3).readableBytes(), "EOF is 5 bytes of payload");
        assertEquals(0xFE, firstByte(f.get(6)));
        ByteBuf row2 = f.get(5).skipBytes(4);
        assertEquals(LengthEncoded.NULL_MARKER, row2.readUnsignedByte());
        assertEquals("3312", LengthEncoded.readString(row2));
    }

    @Test
    void deprecateEofEndsWithOkAndSkipsTheColumnEof() {
        List<ByteBuf> f = frames(CAPS | Capabilities.CLIENT_DEPRECATE_EOF);
        // count, 2 column definitions, 2 rows, OK with header 0xFE
        assertEquals(6, f.size());
        ByteBuf firstRow = f.get(3).duplicate().skipBytes(4);
        assertEquals("node1", LengthEncoded.readString(firstRow));
        ByteBuf end = f.get(5);
        assertEquals(0xFE, firstByte(end));
        assertEquals(ServerStatus.AUTOCOMMIT, end.getUnsignedShortLE(4 + 3));
    }
}
