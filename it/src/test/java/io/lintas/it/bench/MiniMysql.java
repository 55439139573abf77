package io.lintas.it.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The smallest MySQL client the benchmarks need, on a plain socket and the JDK only (so bin/lintas-bench can
 * compile it with javac, without Maven): log in with mysql_native_password, optionally over TLS, run a text
 * query and read its whole response, quit. Used by {@link ConnectPerRequest} and {@link ConnectionMemory}; no
 * compression, no CLIENT_DEPRECATE_EOF (result sets end with an EOF packet).
 */
final class MiniMysql implements AutoCloseable {
    private static final int CLIENT_LONG_PASSWORD = 1;
    private static final int CLIENT_LONG_FLAG = 4;
    private static final int CLIENT_CONNECT_WITH_DB = 8;
    private static final int CLIENT_PROTOCOL_41 = 512;
    private static final int CLIENT_TRANSACTIONS = 8192;
    private static final int CLIENT_SECURE_CONNECTION = 32768;
    private static final int CLIENT_PLUGIN_AUTH = 1 << 19;
    private static final int CLIENT_SSL = 2048;

    /** A server error (ERR packet) or a protocol surprise. */
    static final class MysqlException extends IOException {
        private static final long serialVersionUID = 1L;

        MysqlException(String message) {
            super(message);
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private MiniMysql(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in; throws (and closes the socket) on any error. */
    static MiniMysql login(String host, int port, String user, String password, String database, int timeoutMs)
            throws IOException {
        return login(host, port, user, password, database, timeoutMs, null);
    }

    /** Connects and logs in, over TLS when {@code tls} is set (the server's certificate verified for {@code host}). */
    static MiniMysql login(String host, int port, String user, String password, String database, int timeoutMs,
                           SSLSocketFactory tls) throws IOException {
        Socket s = new Socket();
        MiniMysql c = null;
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMs);
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            c = new MiniMysql(s);
            c.handshake(user, password, database, tls, host, port);
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            if (c != null) {
                c.socket.close();
            }
            throw e;
        }
    }

    private void handshake(String user, String password, String database, SSLSocketFactory tls, String host, int port)
            throws IOException {
        byte[] greeting = readPacket();
        if ((greeting[0] & 0xFF) == 0xFF) {
            throw error(greeting);
        }
        // protocol version, server version NUL, thread id (4), scramble part 1 (8), filler, caps low (2),
        // charset, status (2), caps high (2), auth data length, reserved (10), scramble part 2 (12 + NUL).
        int p = 1;
        while (greeting[p] != 0) {
            p++;
        }
        p += 1 + 4;
        byte[] scramble = new byte[20];
        System.arraycopy(greeting, p, scramble, 0, 8);
        p += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
        System.arraycopy(greeting, p, scramble, 8, 12);

        int caps = CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS
            | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | (database != null ? CLIENT_CONNECT_WITH_DB : 0)
            | (tls != null ? CLIENT_SSL : 0);
        int seq = 1;
        if (tls != null) {
            // SSLRequest: the first 32 bytes of the handshake response, then TLS over the same socket.
            ByteArrayOutputStream sslRequest = new ByteArrayOutputStream(32);
            int4(sslRequest, caps);
            int4(sslRequest, 16 * 1024 * 1024);
            sslRequest.write(33);
            sslRequest.write(new byte[23], 0, 23);
            writePacket(seq++, sslRequest.toByteArray());
            SSLSocket ssl = (SSLSocket) tls.createSocket(socket, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            socket = ssl;
            in = new BufferedInputStream(ssl.getInputStream(), 8192);
            out = ssl.getOutputStream();
        }
        ByteArrayOutputStream r = new ByteArrayOutputStream(128);
        int4(r, caps);
        int4(r, 16 * 1024 * 1024);
        r.write(33); // utf8_general_ci
        r.write(new byte[23], 0, 23);
        r.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        r.write(0);
        byte[] token = nativePassword(password, scramble);
        r.write(token.length);
        r.writeBytes(token);
        if (database != null) {
            r.writeBytes(database.getBytes(StandardCharsets.UTF_8));
            r.write(0);
        }
        r.writeBytes("mysql_native_password".getBytes(StandardCharsets.US_ASCII));
        r.write(0);
        writePacket(seq++, r.toByteArray());

        byte[] reply = readPacket();
        if ((reply[0] & 0xFF) == 0xFE) {
            // Auth switch request: plugin name NUL, new scramble.
            int q = 1;
            while (reply[q] != 0) {
                q++;
            }
            String plugin = new String(reply, 1, q - 1, StandardCharsets.US_ASCII);
            if (!plugin.equals("mysql_native_password")) {
                throw new MysqlException("server asks for auth plugin " + plugin);
            }
            byte[] seed = Arrays.copyOfRange(reply, q + 1, q + 21);
            writePacket(seq + 1, nativePassword(password, seed));
            reply = readPacket();
        }
        if ((reply[0] & 0xFF) == 0xFF) {
            throw error(reply);
        }
        if (reply[0] != 0) {
            throw new MysqlException("unexpected login reply 0x" + Integer.toHexString(reply[0] & 0xFF));
        }
    }

    /** Runs a text query and reads its whole response (OK, or a result set up to its final EOF). */
    void query(String sql) throws IOException {
        byte[] sqlBytes = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[sqlBytes.length + 1];
        payload[0] = 3; // COM_QUERY
        System.arraycopy(sqlBytes, 0, payload, 1, sqlBytes.length);
        writePacket(0, payload);
        byte[] first = readPacket();
        int b = first[0] & 0xFF;
        if (b == 0xFF) {
            throw error(first);
        }
        if (b == 0) {
            return; // OK
        }
        // Result set: column definitions, EOF, rows, EOF.
        int eofs = 0;
        while (eofs < 2) {
            byte[] pkt = readPacket();
            int h = pkt[0] & 0xFF;
            if (h == 0xFF) {
                throw error(pkt);
            }
            if (h == 0xFE && pkt.length < 9) {
                eofs++;
            }
        }
    }

    /** COM_QUIT, then close. */
    void quit() {
        try {
            writePacket(0, new byte[] {1});
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private byte[] readPacket() throws IOException {
        byte[] h = readFully(4);
        int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
        if (len == 0) {
            throw new MysqlException("empty packet");
        }
        return readFully(len);
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("connection closed by the server");
            }
            off += r;
        }
        return b;
    }

    private void writePacket(int seq, byte[] payload) throws IOException {
        byte[] frame = new byte[payload.length + 4];
        frame[0] = (byte) payload.length;
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) (payload.length >>> 16);
        frame[3] = (byte) seq;
        System.arraycopy(payload, 0, frame, 4, payload.length);
        out.write(frame);
        out.flush();
    }

    private static MysqlException error(byte[] err) {
        int code = (err[1] & 0xFF) | (err[2] & 0xFF) << 8;
        int start = err.length > 3 && err[3] == '#' ? 9 : 3;
        return new MysqlException("ERR " + code + ": " + new String(err, start, err.length - start, StandardCharsets.UTF_8));
    }

    private static void int4(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >>> 8);
        o.write(v >>> 16);
        o.write(v >>> 24);
    }

    /** SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). */
    private static byte[] nativePassword(String password, byte[] scramble) {
        if (password == null || password.isEmpty()) {
            return new byte[0];
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] stage2 = sha1.digest(stage1);
            sha1.update(scramble, 0, 20);
            byte[] mix = sha1.digest(stage2);
            for (int i = 0; i < mix.length; i++) {
                mix[i] ^= stage1[i];
            }
            return mix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
