package io.lintas.pool;

import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.Packet;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.ServerStatus;
import io.netty.buffer.ByteBuf;

/**
 * Follows a response like {@link ResponseTracker} does and says which frames are OK packets: the OK that
 * answers a statement (also each one of a multi-result response), and with CLIENT_DEPRECATE_EOF the OK with
 * header 0xFE that ends rows or a field list. Those are the frames that carry session-state information and
 * that {@link OkPacketRewriter} may rewrite. A row that happens to start with 0x00 or 0xFE, the OK that
 * answers COM_STMT_PREPARE and a classic EOF are never reported.
 */
public final class OkFrameLocator {
    private enum State { IDLE, SINGLE, RESULT_START, COLUMN_DEFS, COLUMN_EOF, ROWS, FIELD_LIST, OTHER }

    /** A 0xFE packet shorter than this is a classic EOF, not a row. */
    private static final int EOF_MAX_LENGTH = 9;

    private final boolean deprecateEof;
    private State state = State.IDLE;
    private int command = -1;
    private long columnsLeft;
    private boolean inContinuation;

    /** A locator for a connection that negotiated {@code capabilities}. */
    public OkFrameLocator(long capabilities) {
        this.deprecateEof = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
    }

    /** Starts following the response to {@code command} (call it where {@link ResponseTracker#begin} is called). */
    public void begin(int command) {
        this.command = command;
        this.inContinuation = false;
        this.state = switch (command) {
            case Command.COM_QUERY, Command.COM_STMT_EXECUTE, Command.COM_PROCESS_INFO -> State.RESULT_START;
            case Command.COM_STMT_FETCH -> State.ROWS;
            case Command.COM_FIELD_LIST -> State.FIELD_LIST;
            // A prepare's first packet starts with 0x00 but is no OK packet; nothing after it is one either.
            case Command.COM_STMT_PREPARE -> State.OTHER;
            default -> State.SINGLE;
        };
    }

    /** Feeds the next frame of the response; true when it is an OK packet. Never consumes or releases it. */
    public boolean onFrame(Packet frame) {
        if (state == State.IDLE || state == State.OTHER) {
            return false;
        }
        if (inContinuation) {
            inContinuation = frame.hasContinuation();
            return false;
        }
        inContinuation = frame.hasContinuation();
        int first = frame.firstByte();
        switch (state) {
            case SINGLE:
                state = State.IDLE;
                return first == 0x00;
            case RESULT_START:
                switch (first) {
                    case 0x00:
                        afterResult(frame);
                        return true;
                    case 0xFF:
                        state = State.IDLE;
                        return false;
                    case 0xFB:
                        // LOAD DATA LOCAL: after the upload the server answers with a new result start.
                        return false;
                    case -1:
                        state = State.IDLE;
                        return false;
                    default:
                        try {
                            ByteBuf c = frame.content();
                            int at = c.readerIndex() + Packet.HEADER_SIZE;
                            columnsLeft = LengthEncoded.getInt(c, at, at + frame.payloadLength());
                        } catch (RuntimeException e) {
                            columnsLeft = 0;
                        }
                        state = columnsLeft > 0 ? State.COLUMN_DEFS : State.IDLE;
                        return false;
                }
            case COLUMN_DEFS:
                if (first == 0xFF) {
                    state = State.IDLE;
                } else if (--columnsLeft == 0) {
                    state = deprecateEof ? State.ROWS : State.COLUMN_EOF;
                }
                return false;
            case COLUMN_EOF:
                if (first == 0xFF) {
                    state = State.IDLE;
                } else if (command == Command.COM_STMT_EXECUTE
                    && ServerStatus.has(eofStatus(frame), ServerStatus.CURSOR_EXISTS)) {
                    state = State.IDLE;
                } else {
                    state = State.ROWS;
                }
                return false;
            case ROWS:
                if (first == 0xFF) {
                    state = State.IDLE;
                    return false;
                }
                if (isTerminator(first, frame.payloadLength())) {
                    if (deprecateEof) {
                        afterResult(frame);
                        return true;
                    }
                    state = ServerStatus.has(eofStatus(frame), ServerStatus.MORE_RESULTS_EXISTS)
                        ? State.RESULT_START : State.IDLE;
                }
                return false;
            case FIELD_LIST:
                if (first == 0xFF) {
                    state = State.IDLE;
                    return false;
                }
                if (isTerminator(first, frame.payloadLength())) {
                    state = State.IDLE;
                    return deprecateEof;
                }
                return false;
            default:
                return false;
        }
    }

    private boolean isTerminator(int first, int length) {
        return first == 0xFE && (deprecateEof ? length < Packet.MAX_PAYLOAD : length < EOF_MAX_LENGTH);
    }

    private void afterResult(Packet frame) {
        state = ServerStatus.has(okStatus(frame), ServerStatus.MORE_RESULTS_EXISTS) ? State.RESULT_START : State.IDLE;
    }

    /** Status flags of an OK (header, two length-encoded ints, status); 0 when truncated. */
    static int okStatus(Packet frame) {
        ByteBuf c = frame.content();
        int base = c.readerIndex() + Packet.HEADER_SIZE;
        int end = base + frame.payloadLength();
        int idx = base + 1;
        idx += idx >= end ? 0 : LengthEncoded.sizeAt(c, idx);
        idx += idx >= end ? 0 : LengthEncoded.sizeAt(c, idx);
        return idx + 2 <= end ? c.getUnsignedShortLE(idx) : 0;
    }

    private static int eofStatus(Packet frame) {
        // Read in place: a payload() slice per result end is an allocation on every response.
        ByteBuf c = frame.content();
        return frame.payloadLength() >= 5 ? c.getUnsignedShortLE(c.readerIndex() + Packet.HEADER_SIZE + 3) : 0;
    }
}
