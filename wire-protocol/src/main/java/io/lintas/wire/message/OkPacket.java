package io.lintas.wire.message;

import io.lintas.wire.Capabilities;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.ServerStatus;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An OK packet, or with header 0xFE the OK that ends a result set for CLIENT_DEPRECATE_EOF clients.
 *
 * @param sessionStateChanges entries present when the status has SESSION_STATE_CHANGED and the
 *                            peer negotiated CLIENT_SESSION_TRACK
 */
public record OkPacket(int header, long affectedRows, long lastInsertId, int statusFlags, int warnings, String info,
                       List<SessionStateChange> sessionStateChanges) implements WireMessage {
    public static final int HEADER = 0x00;
    public static final int EOF_HEADER = 0xFE;

    public OkPacket {
        info = info == null ? "" : info;
        sessionStateChanges = sessionStateChanges == null ? List.of() : List.copyOf(sessionStateChanges);
    }

    /** A plain OK with the given status flags. */
    public static OkPacket of(int statusFlags) {
        return new OkPacket(HEADER, 0, 0, statusFlags, 0, "", List.of());
    }

    /** Decodes an OK payload given the capabilities negotiated on that connection. */
    public static OkPacket decode(ByteBuf p, long capabilities) {
        try {
            int header = p.readUnsignedByte();
            long affected = LengthEncoded.readInt(p);
            long insertId = LengthEncoded.readInt(p);
            int status = 0;
            int warnings = 0;
            if (Capabilities.has(capabilities, Capabilities.CLIENT_PROTOCOL_41)) {
                status = p.readUnsignedShortLE();
                warnings = p.readUnsignedShortLE();
            } else if (Capabilities.has(capabilities, Capabilities.CLIENT_TRANSACTIONS)) {
                status = p.readUnsignedShortLE();
            }
            String info = "";
            List<SessionStateChange> changes = List.of();
            if (Capabilities.has(capabilities, Capabilities.CLIENT_SESSION_TRACK)) {
                if (p.isReadable()) {
                    info = LengthEncoded.readString(p);
                }
                if (ServerStatus.has(status, ServerStatus.SESSION_STATE_CHANGED) && p.isReadable()) {
                    long total = LengthEncoded.readInt(p);
                    if (total < 0 || total > p.readableBytes()) {
                        throw new MalformedPacketException("session state info of " + total + " bytes");
                    }
                    ByteBuf block = p.readSlice((int) total);
                    changes = new ArrayList<>();
                    while (block.isReadable()) {
                        changes.add(SessionStateChange.decode(block));
                    }
                }
            } else if (p.isReadable()) {
                info = p.readCharSequence(p.readableBytes(), StandardCharsets.UTF_8).toString();
            }
            return new OkPacket(header, affected, insertId, status, warnings, info, changes);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated OK packet");
        }
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(header);
        LengthEncoded.writeInt(out, affectedRows);
        LengthEncoded.writeInt(out, lastInsertId);
        boolean track = Capabilities.has(capabilities, Capabilities.CLIENT_SESSION_TRACK);
        int status = statusFlags;
        if (!track || sessionStateChanges.isEmpty()) {
            status &= ~ServerStatus.SESSION_STATE_CHANGED;
        } else {
            status |= ServerStatus.SESSION_STATE_CHANGED;
        }
        out.writeShortLE(status);
        out.writeShortLE(warnings);
        if (track) {
            boolean stateChanged = ServerStatus.has(status, ServerStatus.SESSION_STATE_CHANGED);
            if (stateChanged || !info.isEmpty()) {
                LengthEncoded.writeString(out, info);
            }
            if (stateChanged) {
                ByteBuf block = out.alloc().buffer();
                ByteBuf data = out.alloc().buffer();
                try {
                    for (SessionStateChange c : sessionStateChanges) {
                        data.clear();
                        c.encodeData(data);
                        block.writeByte(c.type());
                        LengthEncoded.writeInt(block, data.readableBytes());
                        block.writeBytes(data);
                    }
                    LengthEncoded.writeInt(out, block.readableBytes());
                    out.writeBytes(block);
                } finally {
                    block.release();
                    data.release();
                }
            }
        } else {
            out.writeCharSequence(info, StandardCharsets.UTF_8);
        }
    }
}
