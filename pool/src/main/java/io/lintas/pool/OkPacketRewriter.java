package io.lintas.pool;

import io.lintas.wire.Capabilities;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.Packet;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and removes the session-state information of OK frames sent on a connection that negotiated
 * CLIENT_SESSION_TRACK, for a client that did not.
 *
 * <p>With CLIENT_SESSION_TRACK an OK ends with {@code info} as a length-encoded string, followed (when the
 * status has SESSION_STATE_CHANGED) by a length-encoded block of state entries. Without it, {@code info} is
 * the rest of the packet. {@link #stripSessionState} turns the first layout into the second: same header,
 * counters and warnings, SESSION_STATE_CHANGED cleared, {@code info} bytes unchanged, no state block. It works
 * in place (the result is never longer than the input) and allocates nothing but the list of changes.
 *
 * <p>Session-state entries are read as both MySQL and MariaDB write them ({@link #decodeEntry}); use
 * {@link #decode(ByteBuf, long)} rather than {@link OkPacket#decode} for OK packets from MariaDB with
 * CLIENT_SESSION_TRACK.
 *
 * <p>Frames are whole OK packets (payload below 16 MiB) with header 0x00, or 0xFE for the OK that ends a result
 * set with CLIENT_DEPRECATE_EOF; use {@link OkFrameLocator} to find them in a response.
 */
public final class OkPacketRewriter {
    private OkPacketRewriter() {}

    /**
     * The frame to relay and the changes it reported.
     *
     * @param frame   the rewritten frame (may be the same buffer as the input), owned by the caller
     * @param changes the state entries the input carried, empty when none
     */
    public record Result(Packet frame, List<SessionStateChange> changes) {}

    /** Where the parts of an OK are, relative to the payload start. */
    private record Layout(int statusOffset, int status, int infoPrefixOffset, int infoOffset, int infoLength,
                          List<SessionStateChange> changes) {}

    /** True when the OK frame has anything after the warnings, i.e. its layout differs between the two modes. */
    public static boolean hasTrailer(Packet okFrame) {
        ByteBuf p = okFrame.payload();
        return p.readableBytes() > fixedLength(p);
    }

    /**
     * The session-state entries of an OK frame in the CLIENT_SESSION_TRACK layout, empty when it has none;
     * the frame is neither changed nor released.
     *
     * @throws MalformedPacketException when the frame is not a well-formed OK in that layout
     */
    public static List<SessionStateChange> sessionStateChanges(Packet okFrame) {
        Layout layout = parse(okFrame);
        return layout == null ? List.of() : layout.changes();
    }

    /**
     * Rewrites an OK frame from the CLIENT_SESSION_TRACK layout to the plain one. Takes ownership of
     * {@code okFrame}; the result's frame must be relayed or released instead. A frame without anything after
     * the warnings is returned as it is.
     *
     * @throws MalformedPacketException when the frame is not a well-formed OK in that layout (the frame is then
     *                                  left untouched and still owned by the caller)
     */
    public static Result stripSessionState(Packet okFrame) {
        Layout layout = parse(okFrame);
        if (layout == null) {
            return new Result(okFrame, List.of());
        }
        int newLength = layout.infoPrefixOffset() + layout.infoLength();
        ByteBuf content = okFrame.content();
        int start = content.readerIndex();
        int payload = start + Packet.HEADER_SIZE;
        int newStatus = layout.status() & ~ServerStatus.SESSION_STATE_CHANGED;
        if (content.isReadOnly()) {
            ByteBuf out = content.alloc().buffer(Packet.HEADER_SIZE + newLength);
            out.writeMediumLE(newLength);
            out.writeByte(okFrame.sequenceId());
            out.writeBytes(content, payload, layout.statusOffset());
            out.writeShortLE(newStatus);
            out.writeBytes(content, payload + layout.statusOffset() + 2, layout.infoPrefixOffset() - layout.statusOffset() - 2);
            out.writeBytes(content, payload + layout.infoOffset(), layout.infoLength());
            okFrame.release();
            return new Result(new Packet(out), layout.changes());
        }
        content.setShortLE(payload + layout.statusOffset(), newStatus);
        // Moves the info bytes left over their length prefix; a forward copy is safe for an overlapping move
        // towards lower addresses. Info is short (a message such as "Rows matched: 1  Changed: 1  Warnings: 0").
        int dst = payload + layout.infoPrefixOffset();
        int src = payload + layout.infoOffset();
        for (int i = 0; i < layout.infoLength(); i++) {
            content.setByte(dst + i, content.getByte(src + i));
        }
        content.setMediumLE(start, newLength);
        content.writerIndex(payload + newLength);
        return new Result(new Packet(content), layout.changes());
    }

    /** Offset of the first byte after the warnings; beyond the payload when truncated. */
    private static int fixedLength(ByteBuf p) {
        int idx = 1;
        idx += LengthEncoded.sizeAt(p, idx);
        idx += LengthEncoded.sizeAt(p, idx);
        return idx + 4;
    }

    /** Null when nothing follows the warnings. */
    private static Layout parse(Packet frame) {
        if (frame.hasContinuation()) {
            throw new MalformedPacketException("OK packet of 16 MiB or more");
        }
        int first = frame.firstByte();
        if (first != 0x00 && first != 0xFE) {
            throw new MalformedPacketException("not an OK packet (header 0x" + Integer.toHexString(first) + ")");
        }
        ByteBuf p = frame.payload();
        try {
            p.skipBytes(1);
            LengthEncoded.readInt(p);
            LengthEncoded.readInt(p);
            int statusOffset = p.readerIndex();
            int status = p.readUnsignedShortLE();
            p.skipBytes(2);
            if (!p.isReadable()) {
                return null;
            }
            int infoPrefix = p.readerIndex();
            long infoLength = LengthEncoded.readInt(p);
            if (infoLength < 0 || infoLength > p.readableBytes()) {
                throw new MalformedPacketException("OK info of " + infoLength + " bytes exceeds the packet");
            }
            int infoOffset = p.readerIndex();
            p.skipBytes((int) infoLength);
            List<SessionStateChange> changes = List.of();
            if (ServerStatus.has(status, ServerStatus.SESSION_STATE_CHANGED) && p.isReadable()) {
                long total = LengthEncoded.readInt(p);
                if (total < 0 || total > p.readableBytes()) {
                    throw new MalformedPacketException("session state info of " + total + " bytes exceeds the packet");
                }
                changes = decodeEntries(p.readSlice((int) total));
            }
            return new Layout(statusOffset, status, infoPrefix, infoOffset, (int) infoLength, changes);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated OK packet");
        }
    }

    /**
     * Decodes an OK payload like {@link OkPacket#decode} does, but reads session-state entries as MariaDB writes
     * them too (see {@link #decodeEntry}); {@link OkPacket#decode} rejects MariaDB's "state changed" entry.
     *
     * @throws MalformedPacketException when the payload is not a well-formed OK
     */
    public static OkPacket decode(ByteBuf payload, long capabilities) {
        if (!Capabilities.has(capabilities, Capabilities.CLIENT_SESSION_TRACK)) {
            return OkPacket.decode(payload, capabilities);
        }
        ByteBuf p = payload.duplicate();
        try {
            int header = p.readUnsignedByte();
            long affected = LengthEncoded.readInt(p);
            long insertId = LengthEncoded.readInt(p);
            int status = p.readUnsignedShortLE();
            int warnings = p.readUnsignedShortLE();
            String info = "";
            List<SessionStateChange> changes = List.of();
            if (p.isReadable()) {
                info = LengthEncoded.readString(p);
            }
            if (ServerStatus.has(status, ServerStatus.SESSION_STATE_CHANGED) && p.isReadable()) {
                long total = LengthEncoded.readInt(p);
                if (total < 0 || total > p.readableBytes()) {
                    throw new MalformedPacketException("session state info of " + total + " bytes exceeds the packet");
                }
                changes = decodeEntries(p.readSlice((int) total));
            }
            payload.skipBytes(p.readerIndex() - payload.readerIndex());
            return new OkPacket(header, affected, insertId, status, warnings, info, changes);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated OK packet");
        }
    }

    /** Decodes a block of session-state entries. */
    static List<SessionStateChange> decodeEntries(ByteBuf block) {
        List<SessionStateChange> changes = new ArrayList<>(4);
        while (block.isReadable()) {
            changes.add(decodeEntry(block));
        }
        return List.copyOf(changes);
    }

    /**
     * Decodes one session-state entry (type, length-encoded length, data). The framing must be valid; data that
     * does not parse as its type's layout is kept as {@link SessionStateChange.Other}. Unlike MySQL, MariaDB writes
     * the data of a {@code SESSION_TRACK_STATE_CHANGE} entry as the bare character {@code '1'} (entry length 1),
     * not as a length-encoded string; both are accepted.
     */
    static SessionStateChange decodeEntry(ByteBuf p) {
        int type = p.readUnsignedByte();
        long len = LengthEncoded.readInt(p);
        if (len < 0 || len > p.readableBytes()) {
            throw new MalformedPacketException("session state entry of " + len + " bytes exceeds its block");
        }
        ByteBuf data = p.readSlice((int) len);
        if (type == SessionStateChange.TYPE_STATE_CHANGE && len == 1) {
            return new SessionStateChange.StateChange(data.getByte(data.readerIndex()) == '1');
        }
        int start = data.readerIndex();
        try {
            return switch (type) {
                case SessionStateChange.TYPE_SYSTEM_VARIABLES -> {
                    String name = LengthEncoded.readString(data);
                    String value = data.isReadable() ? LengthEncoded.readString(data) : "";
                    yield new SessionStateChange.SystemVariable(name, value);
                }
                case SessionStateChange.TYPE_SCHEMA -> new SessionStateChange.Schema(LengthEncoded.readString(data));
                case SessionStateChange.TYPE_STATE_CHANGE ->
                    new SessionStateChange.StateChange("1".equals(LengthEncoded.readString(data)));
                case SessionStateChange.TYPE_TRANSACTION_CHARACTERISTICS ->
                    new SessionStateChange.TransactionCharacteristics(LengthEncoded.readString(data));
                case SessionStateChange.TYPE_TRANSACTION_STATE ->
                    new SessionStateChange.TransactionState(LengthEncoded.readString(data));
                default -> new SessionStateChange.Other(type, ByteBufUtil.getBytes(data, start, (int) len));
            };
        } catch (MalformedPacketException | IndexOutOfBoundsException e) {
            return new SessionStateChange.Other(type, ByteBufUtil.getBytes(data, start, (int) len));
        }
    }
}
