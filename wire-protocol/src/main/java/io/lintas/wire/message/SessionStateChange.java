package io.lintas.wire.message;

import io.lintas.wire.LengthEncoded;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Arrays;

/** One entry of the session-state information a server appends to OK packets (CLIENT_SESSION_TRACK). */
public sealed interface SessionStateChange {
    int TYPE_SYSTEM_VARIABLES = 0;
    int TYPE_SCHEMA = 1;
    int TYPE_STATE_CHANGE = 2;
    int TYPE_GTIDS = 3;
    int TYPE_TRANSACTION_CHARACTERISTICS = 4;
    int TYPE_TRANSACTION_STATE = 5;

    /** The entry's type byte. */
    int type();

    /** Writes the entry's data (without type and length prefix). */
    void encodeData(ByteBuf out);

    /** A session system variable changed to {@code value}. */
    record SystemVariable(String name, String value) implements SessionStateChange {
        public int type() { return TYPE_SYSTEM_VARIABLES; }

        public void encodeData(ByteBuf out) {
            LengthEncoded.writeString(out, name);
            LengthEncoded.writeString(out, value);
        }
    }

    /** The current schema changed. */
    record Schema(String name) implements SessionStateChange {
        public int type() { return TYPE_SCHEMA; }

        public void encodeData(ByteBuf out) {
            LengthEncoded.writeString(out, name);
        }
    }

    /** Some session state changed (flag "1") – the signal that state cannot be reproduced by SET alone. */
    record StateChange(boolean changed) implements SessionStateChange {
        public int type() { return TYPE_STATE_CHANGE; }

        public void encodeData(ByteBuf out) {
            LengthEncoded.writeString(out, changed ? "1" : "0");
        }
    }

    /** Characteristics of the current transaction (the statement that would recreate it). */
    record TransactionCharacteristics(String text) implements SessionStateChange {
        public int type() { return TYPE_TRANSACTION_CHARACTERISTICS; }

        public void encodeData(ByteBuf out) {
            LengthEncoded.writeString(out, text);
        }
    }

    /** Transaction state as the eight-character code the server reports. */
    record TransactionState(String state) implements SessionStateChange {
        public int type() { return TYPE_TRANSACTION_STATE; }

        public void encodeData(ByteBuf out) {
            LengthEncoded.writeString(out, state);
        }
    }

    /** Any entry type the proxy does not interpret (GTIDs included), kept as raw bytes. */
    record Other(int type, byte[] data) implements SessionStateChange {
        public void encodeData(ByteBuf out) {
            out.writeBytes(data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Other other && type == other.type && Arrays.equals(data, other.data);
        }

        @Override
        public int hashCode() {
            return type * 31 + Arrays.hashCode(data);
        }
    }

    /** Decodes one entry from {@code p}. */
    static SessionStateChange decode(ByteBuf p) {
        int type = p.readUnsignedByte();
        long len = LengthEncoded.readInt(p);
        if (len < 0 || len > p.readableBytes()) {
            throw new io.lintas.wire.MalformedPacketException("session state entry of " + len + " bytes");
        }
        ByteBuf data = p.readSlice((int) len);
        switch (type) {
            case TYPE_SYSTEM_VARIABLES: {
                String name = LengthEncoded.readString(data);
                String value = data.isReadable() ? LengthEncoded.readString(data) : "";
                return new SystemVariable(name, value);
            }
            case TYPE_SCHEMA:
                return new Schema(LengthEncoded.readString(data));
            case TYPE_STATE_CHANGE:
                // MySQL writes a length-encoded "1"; MariaDB writes the bare byte '1' (entry length 1).
                if (data.readableBytes() == 1) {
                    return new StateChange(data.readByte() == '1');
                }
                return new StateChange("1".equals(LengthEncoded.readString(data)));
            case TYPE_TRANSACTION_CHARACTERISTICS:
                return new TransactionCharacteristics(LengthEncoded.readString(data));
            case TYPE_TRANSACTION_STATE:
                return new TransactionState(LengthEncoded.readString(data));
            default:
                return new Other(type, ByteBufUtil.getBytes(data));
        }
    }
}
