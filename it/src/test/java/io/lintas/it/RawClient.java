package io.lintas.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A MySQL protocol client on a plain {@link Socket}, for sending what real drivers never send: garbage,
 * truncated packets, wrong sequence ids. Knows just enough to log in with mysql_native_password.
 */
public final class RawClient implements AutoCloseable {
    public static final int CLIENT_LONG_PASSWORD = 1;
    public static final int CLIENT_CONNECT_WITH_DB = 8;
    public static final int CLIENT_PROTOCOL_41 = 512;
    public static final int CLIENT_TRANSACTIONS = 8192;
    public static final int CLIENT_SECURE_CONNECTION = 32768;
    public static final int CLIENT_PLUGIN_AUTH = 1 << 19;

    /** One packet as read from the socket. */
    public record Frame(int sequenceId, byte[] payload) {
        public boolean isErr() {
            return payload.length > 0 && (payload[0] & 0xFF) == 0xFF;
        }

        public boolean isOk() {
            return payload.length > 0 && payload[0] == 0;
        }

        /** Error code of an ERR packet. */
        public int errorCode() {
            return (payload[1] & 0xFF) | (payload[2] & 0xFF) << 8;
        }

        /** Message of an ERR packet (after the SQL state, if any). */
        public String errorMessage() {
            int start = payload.length > 3 && payload[3] == '#' ? 9 : 3;
            return new String(payload, start, Math.max(0, payload.length - start), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return isErr() ? "ERR " + errorCode() + " " + errorMessage() : "Frame{seq=" + sequenceId + ", len="
                + payload.length + ", first=0x" + (payload.length == 0 ? "-" : Integer.toHexString(payload[0] & 0xFF)) + "}";
        }
    }

    /** What the server did in the end: sent an ERR, sent something else, or closed the connection. */
    public record Outcome(Frame frame, boolean closed, long elapsedMs, String detail) {
        public boolean isErr() {
            return frame != null && frame.isErr();
        }

        @Override
        public String toString() {
            return (closed ? "closed" : String.valueOf(frame)) + " after " + elapsedMs + " ms" + (detail == null ? "" : " (" + detail + ")");
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private byte[] scramble;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects (does not read the greeting). */
    public static RawClient connect(int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(Sandbox.HOST, port), 5000);
        s.setSoTimeout(10_000);
        return new RawClient(s);
    }

    /** Connects and logs in with mysql_native_password; fails unless the server answers OK. */
    public static RawClient login(int port, String user, String password, String database) throws IOException {
        RawClient c = connect(port);
        try {
            c.readGreeting();
            c.sendHandshakeResponse(user, password, database);
            Frame reply = c.readFrame();
            if (!reply.isOk()) {
                throw new IOException("login as " + user + " failed: " + reply);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Reads the server greeting (HandshakeV10) and keeps its scramble. */
    public Frame readGreeting() throws IOException {
        Frame f = readFrame();
        byte[] p = f.payload();
        if (p.length < 1 || p[0] != 10) {
            throw new IOException("not a HandshakeV10 greeting: " + f);
        }
        int i = 1;
        while (p[i] != 0) {
            i++; // server version
        }
        i++;
        i += 4; // connection id
        byte[] part1 = Arrays.copyOfRange(p, i, i + 8);
        i += 8 + 1; // scramble part 1 + filler
        i += 2 + 1 + 2 + 2; // capabilities low, charset, status, capabilities high
        int authLen = p[i] & 0xFF;
        i += 1 + 10;
        int part2Len = Math.max(13, authLen - 8) - 1; // without the trailing NUL
        byte[] part2 = Arrays.copyOfRange(p, i, i + part2Len);
        scramble = new byte[20];
        System.arraycopy(part1, 0, scramble, 0, 8);
        System.arraycopy(part2, 0, scramble, 8, Math.min(12, part2.length));
        return f;
    }

    /** Sends a HandshakeResponse41 for mysql_native_password. */
    public void sendHandshakeResponse(String user, String password, String database) throws IOException {
        int caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION
            | CLIENT_PLUGIN_AUTH | (database != null ? CLIENT_CONNECT_WITH_DB : 0);
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        writeInt4(p, caps);
        writeInt4(p, 16 * 1024 * 1024);
        p.write(45); // utf8mb4_general_ci
        p.write(new byte[23], 0, 23);
        p.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        byte[] token = nativePasswordToken(password, scramble);
        p.write(token.length);
        p.writeBytes(token);
        if (database != null) {
            p.writeBytes(database.getBytes(StandardCharsets.UTF_8));
            p.write(0);
        }
        p.writeBytes("mysql_native_password".getBytes(StandardCharsets.US_ASCII));
        p.write(0);
        writeFrame(1, p.toByteArray());
    }

    /** Sends one frame with a correct header. */
    public void writeFrame(int sequenceId, byte[] payload) throws IOException {
        byte[] frame = new byte[4 + payload.length];
        frame[0] = (byte) payload.length;
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) (payload.length >>> 16);
        frame[3] = (byte) sequenceId;
        System.arraycopy(payload, 0, frame, 4, payload.length);
        writeRaw(frame);
    }

    /** Sends bytes as they are. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends COM_QUERY (sequence 0). */
    public void query(String sql) throws IOException {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[1 + text.length];
        payload[0] = 0x03;
        System.arraycopy(text, 0, payload, 1, text.length);
        writeFrame(0, payload);
    }

    /** Reads one frame; EOFException when the server closed the connection. */
    public Frame readFrame() throws IOException {
        byte[] header = new byte[4];
        in.readFully(header);
        int len = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame(header[3] & 0xFF, payload);
    }

    /**
     * Waits (at most {@code timeoutMs}) for what the server does next: the next frame, or the connection
     * being closed (EOF or reset). Never throws for a closed connection.
     */
    public Outcome awaitOutcome(long timeoutMs) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout((int) timeoutMs);
        try {
            Frame f = readFrame();
            return new Outcome(f, false, elapsedMs(start), null);
        } catch (EOFException e) {
            return new Outcome(null, true, elapsedMs(start), "EOF");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the proxy neither answered nor closed the connection within " + timeoutMs + " ms");
        } catch (SocketException e) {
            return new Outcome(null, true, elapsedMs(start), e.getMessage());
        }
    }

    /** After an ERR (or right away), waits until the server closes the connection; returns false on timeout. */
    public boolean awaitClosed(long timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) left);
            try {
                InputStream raw = socket.getInputStream();
                if (raw.read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset
            }
        }
    }

    /** The scramble of the last greeting read. */
    public byte[] scramble() {
        return scramble.clone();
    }

    /** The local port, to tell this client apart in logs. */
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void writeInt4(ByteArrayOutputStream p, int v) {
        p.write(v);
        p.write(v >>> 8);
        p.write(v >>> 16);
        p.write(v >>> 24);
    }

    /** SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). */
    static byte[] nativePasswordToken(String password, byte[] scramble) {
        if (password == null || password.isEmpty()) {
            return new byte[0];
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] stage2 = sha1.digest(stage1);
            sha1.update(scramble);
            byte[] mix = sha1.digest(stage2);
            for (int i = 0; i < mix.length; i++) {
                mix[i] ^= stage1[i];
            }
            return mix;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
