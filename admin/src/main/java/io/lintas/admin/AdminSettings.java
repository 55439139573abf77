package io.lintas.admin;

import io.lintas.wire.auth.NativePassword;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where the admin interface listens and who may log in.
 *
 * @param password the clear password or its {@code *HEX} form (SHA1(SHA1(password)), as in mysql.user)
 */
public record AdminSettings(String address, int port, String username, String password) {
    /** ProxySQL's default admin port. */
    public static final int DEFAULT_PORT = 6032;
    /** The sample password of the example configs; refused on anything but loopback. */
    public static final String SAMPLE_PASSWORD = "admin";

    /** Checks the shape of the settings; {@link #requireSafe()} checks the exposure. */
    public AdminSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin port " + port + " is not 0..65535");
        }
        if (username.isEmpty() || password.isEmpty()) {
            throw new IllegalArgumentException("the admin interface needs a username and a non-empty password");
        }
    }

    /** 127.0.0.1:6032 with the given credentials. */
    public static AdminSettings loopback(String username, String password) {
        return new AdminSettings("127.0.0.1", DEFAULT_PORT, username, password);
    }

    /** SHA1(SHA1(password)): what a client's login token is checked against. */
    public byte[] passwordStage2() {
        return isHash(password) ? NativePassword.parseStoredHash(password)
            : NativePassword.stage2(NativePassword.stage1(password));
    }

    /** True when the password is the sample one, given in clear or as its hash. */
    public boolean usesSamplePassword() {
        return SAMPLE_PASSWORD.equals(password)
            || NativePassword.storedHash(SAMPLE_PASSWORD).equalsIgnoreCase(password);
    }

    /**
     * Refuses a listener reachable from other machines that anyone who read the documentation can log in to.
     *
     * @throws IllegalStateException when the address is not loopback and the password is the sample one
     */
    public void requireSafe() {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("admin address '" + address + "' cannot be resolved", e);
        }
        if (!loopback && usesSamplePassword()) {
            throw new IllegalStateException("refusing to start the admin interface on " + address + ":" + port
                + " with the sample password '" + SAMPLE_PASSWORD + "': set another admin password, or bind it to 127.0.0.1");
        }
    }

    private static boolean isHash(String s) {
        return s.length() == 41 && s.charAt(0) == '*' && s.substring(1).matches("[0-9A-Fa-f]{40}");
    }

    @Override
    public String toString() {
        return "AdminSettings{address=" + address + ", port=" + port + ", username=" + username + "}";
    }
}
