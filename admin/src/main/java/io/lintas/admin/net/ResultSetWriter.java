package io.lintas.admin.net;

import io.lintas.admin.sql.AdminResult;
import io.lintas.wire.Capabilities;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.message.EofPacket;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializes an {@link AdminResult} as the frames of a MySQL text-protocol response: OK, ERR, or column count,
 * column definitions, rows and the closing EOF — or, for clients with {@code CLIENT_DEPRECATE_EOF}, no EOF after
 * the columns and an OK with header 0xFE at the end.
 */
public final class ResultSetWriter {
    /** utf8mb4_general_ci: the collation of every text column. */
    static final int UTF8MB4_GENERAL_CI = 45;
    /** "binary": the collation MySQL gives numeric columns. */
    static final int BINARY = 63;
    private static final int NOT_NULL_FLAG = 1;
    private static final int BINARY_FLAG = 128;
    private static final int NUM_FLAG = 32768;

    private final ByteBufAllocator alloc;
    private final long capabilities;
    private final int statusFlags;

    /** A writer for a connection with the negotiated {@code capabilities} and server {@code statusFlags}. */
    public ResultSetWriter(ByteBufAllocator alloc, long capabilities, int statusFlags) {
        this.alloc = alloc;
        this.capabilities = capabilities;
        this.statusFlags = statusFlags;
    }

    /** The frames answering one command; the first has sequence id {@code firstSequence}. */
    public List<ByteBuf> frames(AdminResult result, int firstSequence) {
        List<ByteBuf> out = new ArrayList<>();
        int seq = firstSequence;
        if (result instanceof AdminResult.Ok ok) {
            out.add(message(new OkPacket(OkPacket.HEADER, ok.affectedRows(), 0, statusFlags, 0, ok.info(), List.of()), seq));
        } else if (result instanceof AdminResult.Error err) {
            out.add(message(new ErrPacket(err.code(), err.sqlState(), err.message()), seq));
        } else if (result instanceof AdminResult.Rows rows) {
            ByteBuf count = PacketWriter.begin(alloc, 9);
            LengthEncoded.writeInt(count, rows.columns().size());
            out.add(PacketWriter.finish(count, seq++ & 0xFF));
            for (AdminResult.Column c : rows.columns()) {
                out.add(columnDefinition(c, seq++ & 0xFF));
            }
            boolean deprecateEof = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
            if (!deprecateEof) {
                out.add(message(new EofPacket(0, statusFlags), seq++ & 0xFF));
            }
            for (String[] row : rows.rows()) {
                out.add(row(row, seq++ & 0xFF));
            }
            out.add(endOfFieldList(seq & 0xFF));
        }
        return out;
    }

    /** The terminator of rows (and of an empty COM_FIELD_LIST answer): EOF, or OK 0xFE with CLIENT_DEPRECATE_EOF. */
    public ByteBuf endOfFieldList(int sequence) {
        return Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF)
            ? message(new OkPacket(OkPacket.EOF_HEADER, 0, 0, statusFlags, 0, "", List.of()), sequence)
            : message(new EofPacket(0, statusFlags), sequence);
    }

    /** One message as a frame. */
    public ByteBuf message(WireMessage m, int sequence) {
        return m.toFrame(alloc, sequence, capabilities);
    }

    private ByteBuf columnDefinition(AdminResult.Column c, int seq) {
        ByteBuf b = PacketWriter.begin(alloc, 64 + c.name().length());
        LengthEncoded.writeString(b, "def");
        LengthEncoded.writeString(b, c.schema());
        LengthEncoded.writeString(b, c.table());
        LengthEncoded.writeString(b, c.table());
        LengthEncoded.writeString(b, c.name());
        LengthEncoded.writeString(b, c.name());
        b.writeByte(0x0c);
        boolean numeric = c.type().numeric();
        b.writeShortLE(numeric ? BINARY : UTF8MB4_GENERAL_CI);
        b.writeIntLE(numeric ? 20 : 1024);
        b.writeByte(c.type().code());
        int flags = numeric ? NUM_FLAG | BINARY_FLAG : 0;
        if (c.type() == AdminResult.ColumnType.BLOB) {
            flags |= BINARY_FLAG;
        }
        b.writeShortLE(flags & ~NOT_NULL_FLAG);
        b.writeByte(c.type() == AdminResult.ColumnType.DOUBLE || c.type() == AdminResult.ColumnType.VAR_STRING ? 0x1f : 0);
        b.writeZero(2);
        return PacketWriter.finish(b, seq);
    }

    private ByteBuf row(String[] values, int seq) {
        int size = 0;
        for (String v : values) {
            size += v == null ? 1 : v.length() * 3 + 9;
        }
        ByteBuf b = PacketWriter.begin(alloc, size);
        for (String v : values) {
            if (v == null) {
                b.writeByte(LengthEncoded.NULL_MARKER);
            } else {
                LengthEncoded.writeBytes(b, v.getBytes(StandardCharsets.UTF_8));
            }
        }
        return PacketWriter.finish(b, seq);
    }
}
