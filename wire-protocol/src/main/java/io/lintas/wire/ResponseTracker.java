package io.lintas.wire;

import io.netty.buffer.ByteBuf;

/**
 * Follows the server's response to one command frame by frame, without decoding rows, and says when it
 * ends. A relay forwards every frame unchanged and asks this tracker only where the response stops,
 * whether a LOCAL INFILE upload is requested, and what the final server status is.
 */
public final class ResponseTracker {

    /** What a frame means to the relay. */
    public enum Event {
        /** More frames of this response follow. */
        CONTINUE,
        /** This frame ends the response; the connection is ready for the next command. */
        COMPLETE,
        /** The server asks the client for a local file; client data frames follow, then the server answers. */
        LOCAL_INFILE_REQUEST
    }

    private enum State {
        IDLE, RESULT_START, COLUMN_DEFS, COLUMN_EOF, ROWS, PREPARE_START, PREPARE_PARAMS, PREPARE_PARAMS_EOF,
        PREPARE_COLUMNS, PREPARE_COLUMNS_EOF, FIELD_LIST, SINGLE
    }

    private final boolean deprecateEof;
    private State state = State.IDLE;
    private int command = -1;
    private long columnsLeft;
    private int prepareColumns;
    private int paramsLeft;
    private boolean inContinuation;
    private int statusFlags;
    private int warnings;
    private int errorCode;
    private long preparedStatementId = -1;
    private int preparedParamCount;
    private int preparedColumnCount;

    /** Creates a tracker for a connection that negotiated {@code capabilities}. */
    public ResponseTracker(long capabilities) {
        this.deprecateEof = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
    }

    /** True when the command byte is answered by the server (COM_STMT_CLOSE, SEND_LONG_DATA and QUIT are not). */
    public static boolean expectsResponse(int command) {
        return command != Command.COM_STMT_CLOSE && command != Command.COM_STMT_SEND_LONG_DATA && command != Command.COM_QUIT;
    }

    /**
     * Starts following the response to {@code command}.
     *
     * @param cursorRequested for COM_STMT_EXECUTE: the client asked for a cursor, so the result may stop
     *                        after its metadata with CURSOR_EXISTS set
     */
    public void begin(int command, boolean cursorRequested) {
        this.command = command;
        this.inContinuation = false;
        this.errorCode = 0;
        this.warnings = 0;
        this.preparedStatementId = -1;
        switch (command) {
            case Command.COM_QUERY:
            case Command.COM_STMT_EXECUTE:
            case Command.COM_PROCESS_INFO: // answered with the SHOW PROCESSLIST result set
                state = State.RESULT_START;
                break;
            case Command.COM_STMT_FETCH:
                state = State.ROWS;
                break;
            case Command.COM_STMT_PREPARE:
                state = State.PREPARE_START;
                break;
            case Command.COM_FIELD_LIST:
                state = State.FIELD_LIST;
                break;
            default:
                state = State.SINGLE;
        }
    }

    /** True while a response is being followed. */
    public boolean inProgress() {
        return state != State.IDLE;
    }

    /** Server status from the last OK or EOF seen (IN_TRANS, AUTOCOMMIT, ...). */
    public int statusFlags() {
        return statusFlags;
    }

    /** Warning count from the last OK or EOF of the response followed (0 after an ERR-only response). */
    public int warnings() {
        return warnings;
    }

    /** Error code of the ERR that ended the response, or 0. */
    public int errorCode() {
        return errorCode;
    }

    /** Statement id from a successful COM_STMT_PREPARE response, or -1. */
    public long preparedStatementId() {
        return preparedStatementId;
    }

    /** Parameter count from the last COM_STMT_PREPARE response. */
    public int preparedParamCount() {
        return preparedParamCount;
    }

    /** Column count from the last COM_STMT_PREPARE response. */
    public int preparedColumnCount() {
        return preparedColumnCount;
    }

    /** Feeds the next frame of the response; never consumes or releases it. */
    public Event onFrame(Packet frame) {
        if (state == State.IDLE) {
            throw new MalformedPacketException("unexpected frame with no command in progress");
        }
        if (inContinuation) {
            // The rest of a packet of 16 MiB or more: its kind was decided by its first frame.
            inContinuation = frame.hasContinuation();
            return Event.CONTINUE;
        }
        inContinuation = frame.hasContinuation();
        int first = frame.firstByte();
        int length = frame.payloadLength();
        switch (state) {
            case SINGLE:
                if (first == 0x00 || first == 0xFE) {
                    readStatus(frame);
                } else if (first == 0xFF) {
                    readError(frame);
                }
                return complete();
            case RESULT_START:
                return resultStart(frame, first);
            case COLUMN_DEFS:
                if (first == 0xFF) {
                    readError(frame);
                    return complete();
                }
                if (--columnsLeft == 0) {
                    state = deprecateEof ? State.ROWS : State.COLUMN_EOF;
                }
                return Event.CONTINUE;
            case COLUMN_EOF:
                if (first == 0xFF) {
                    readError(frame);
                    return complete();
                }
                if (first == -1) {
                    // An empty packet where the EOF after the column definitions belongs (found by fuzzing).
                    throw new MalformedPacketException("empty packet where the EOF after the column definitions was expected");
                }
                readStatus(frame);
                if (command == Command.COM_STMT_EXECUTE && ServerStatus.has(statusFlags, ServerStatus.CURSOR_EXISTS)) {
                    return complete();
                }
                state = State.ROWS;
                return Event.CONTINUE;
            case ROWS:
                if (first == 0xFF) {
                    readError(frame);
                    return complete();
                }
                if (isTerminator(first, length)) {
                    readStatus(frame);
                    return endOfResult();
                }
                return Event.CONTINUE;
            case FIELD_LIST:
                if (first == 0xFF) {
                    readError(frame);
                    return complete();
                }
                if (isTerminator(first, length)) {
                    readStatus(frame);
                    return complete();
                }
                return Event.CONTINUE;
            case PREPARE_START:
                return prepareStart(frame, first);
            case PREPARE_PARAMS:
                if (--paramsLeft == 0) {
                    if (!deprecateEof) {
                        state = State.PREPARE_PARAMS_EOF;
                        return Event.CONTINUE;
                    }
                    return afterParams();
                }
                return Event.CONTINUE;
            case PREPARE_PARAMS_EOF:
                return afterParams();
            case PREPARE_COLUMNS:
                if (--columnsLeft == 0) {
                    if (!deprecateEof) {
                        state = State.PREPARE_COLUMNS_EOF;
                        return Event.CONTINUE;
                    }
                    return complete();
                }
                return Event.CONTINUE;
            case PREPARE_COLUMNS_EOF:
                return complete();
            default:
                throw new IllegalStateException(state.name());
        }
    }

    private Event resultStart(Packet frame, int first) {
        switch (first) {
            case 0x00:
                readStatus(frame);
                return endOfResult();
            case 0xFF:
                readError(frame);
                return complete();
            case 0xFB:
                if (command == Command.COM_QUERY) {
                    // The server's answer to the uploaded file is again a result start (OK or ERR).
                    return Event.LOCAL_INFILE_REQUEST;
                }
                throw new MalformedPacketException("LOCAL INFILE request in response to " + Command.name(command));
            case -1:
                throw new MalformedPacketException("empty packet where a result set was expected");
            default:
                ByteBuf c = frame.content();
                int at = c.readerIndex() + Packet.HEADER_SIZE;
                long count = LengthEncoded.getInt(c, at, at + frame.payloadLength());
                if (count <= 0) {
                    throw new MalformedPacketException("result set with " + count + " columns");
                }
                columnsLeft = count;
                state = State.COLUMN_DEFS;
                return Event.CONTINUE;
        }
    }

    private Event prepareStart(Packet frame, int first) {
        if (first == 0xFF) {
            readError(frame);
            return complete();
        }
        if (first != 0x00 || frame.payloadLength() < 9) {
            throw new MalformedPacketException("malformed COM_STMT_PREPARE response");
        }
        ByteBuf p = frame.payload();
        preparedStatementId = p.getUnsignedIntLE(1);
        preparedColumnCount = p.getUnsignedShortLE(5);
        preparedParamCount = p.getUnsignedShortLE(7);
        prepareColumns = preparedColumnCount;
        paramsLeft = preparedParamCount;
        if (paramsLeft > 0) {
            state = State.PREPARE_PARAMS;
            return Event.CONTINUE;
        }
        return afterParams();
    }

    private Event afterParams() {
        if (prepareColumns > 0) {
            columnsLeft = prepareColumns;
            state = State.PREPARE_COLUMNS;
            return Event.CONTINUE;
        }
        return complete();
    }

    private Event endOfResult() {
        if (ServerStatus.has(statusFlags, ServerStatus.MORE_RESULTS_EXISTS)) {
            state = State.RESULT_START;
            return Event.CONTINUE;
        }
        return complete();
    }

    private Event complete() {
        state = State.IDLE;
        return Event.COMPLETE;
    }

    private boolean isTerminator(int first, int length) {
        return first == 0xFE && (deprecateEof ? length < Packet.MAX_PAYLOAD : length < EofPacketLength.MAX);
    }

    private void readError(Packet frame) {
        ByteBuf c = frame.content();
        errorCode = frame.payloadLength() >= 3 ? c.getUnsignedShortLE(c.readerIndex() + Packet.HEADER_SIZE + 1) : 0;
    }

    /** Reads the status flags of an OK (0x00 / 0xFE with lenenc ints) or a classic EOF without allocating. */
    private void readStatus(Packet frame) {
        // In place, not through a payload() slice: this runs on every result end.
        ByteBuf c = frame.content();
        int base = c.readerIndex() + Packet.HEADER_SIZE;
        int length = frame.payloadLength();
        int first = length == 0 ? -1 : c.getUnsignedByte(base);
        if (first == 0xFE && length < EofPacketLength.MAX && !deprecateEof) {
            // A classic EOF; with CLIENT_DEPRECATE_EOF a short 0xFE packet is an OK (warnings after the status).
            if (length >= 5) {
                warnings = c.getUnsignedShortLE(base + 1);
                statusFlags = c.getUnsignedShortLE(base + 3);
            }
            return;
        }
        int end = base + length;
        int idx = base + 1;
        idx += sizeAt(c, idx, end);
        idx += sizeAt(c, idx, end);
        if (idx + 2 <= end) {
            statusFlags = c.getUnsignedShortLE(idx);
        }
        if (idx + 4 <= end) {
            warnings = c.getUnsignedShortLE(idx + 2);
        }
    }

    private static int sizeAt(ByteBuf c, int index, int end) {
        return index >= end ? 0 : LengthEncoded.sizeAt(c, index);
    }

    /** Length bound that tells a classic EOF from a row starting with 0xFE. */
    private static final class EofPacketLength {
        static final int MAX = 9;
    }
}
