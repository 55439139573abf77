package io.lintas.wire.message;

import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;

/** The 32-byte prefix of a handshake response by which a client asks to switch to TLS. */
public record SslRequest(long capabilities, int maxPacketSize, int characterSet) implements WireMessage {

    /** Payload length of an SSLRequest; a HandshakeResponse41 is always longer. */
    public static final int LENGTH = 32;

    /** Decodes an SSLRequest payload. */
    public static SslRequest decode(ByteBuf p) {
        try {
            long caps = p.readUnsignedIntLE();
            int max = p.readIntLE();
            int cs = p.readUnsignedByte();
            p.skipBytes(19);
            caps |= p.readUnsignedIntLE() << 32;
            return new SslRequest(caps, max, cs);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated SSLRequest");
        }
    }

    @Override
    public void encode(ByteBuf out, long ignored) {
        out.writeIntLE((int) capabilities);
        out.writeIntLE(maxPacketSize);
        out.writeByte(characterSet);
        out.writeZero(19);
        out.writeIntLE((int) (capabilities >>> 32));
    }
}
