package io.lintas.wire.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The RSA key pair caching_sha2_password uses to receive passwords over plain TCP, with the public key as
 * the PEM text sent to clients that ask for it.
 */
public record AuthRsaKeys(PrivateKey privateKey, RSAPublicKey publicKey, String publicKeyPem) {

    /** A fresh 2048-bit pair (what MySQL generates at first start). */
    public static AuthRsaKeys generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
            return new AuthRsaKeys(pair.getPrivate(), pub, toPem(pub));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA unavailable", e);
        }
    }

    /** Reads a PKCS#8 ("BEGIN PRIVATE KEY") RSA private key; the public key is derived from it. */
    public static AuthRsaKeys fromPrivateKeyPem(String pem) {
        try {
            byte[] der = pemBody(pem, "PRIVATE KEY");
            KeyFactory kf = KeyFactory.getInstance("RSA");
            PrivateKey key = kf.generatePrivate(new PKCS8EncodedKeySpec(der));
            if (!(key instanceof RSAPrivateCrtKey crt)) {
                throw new IllegalArgumentException("the RSA private key lacks its public exponent");
            }
            RSAPublicKey pub = (RSAPublicKey) kf.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new AuthRsaKeys(key, pub, toPem(pub));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 RSA private key (convert with: openssl pkcs8 -topk8 -nocrypt)", e);
        }
    }

    /** Parses a "BEGIN PUBLIC KEY" PEM (X.509 SubjectPublicKeyInfo), as servers send it. */
    public static RSAPublicKey parsePublicKeyPem(String pem) {
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pemBody(pem, "PUBLIC KEY")));
            return (RSAPublicKey) key;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an RSA public key in PEM form", e);
        }
    }

    /** The PEM text of a public key, 64 characters a line, ending with a newline (as OpenSSL writes it). */
    public static String toPem(PublicKey key) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    /** Length in bytes of a cipher text made with this key (256 for RSA-2048). */
    public int cipherLength() {
        return (publicKey.getModulus().bitLength() + 7) / 8;
    }

    private static byte[] pemBody(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        // The END line is searched after the BEGIN line: they share their dashes (found by fuzzing).
        int e = b < 0 ? -1 : pem.indexOf(end, b + begin.length());
        if (e < 0) {
            throw new IllegalArgumentException("no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("bad base64 in the '" + label + "' block");
        }
    }

    @Override
    public String toString() {
        return "AuthRsaKeys{" + publicKey.getModulus().bitLength() + " bits}";
    }
}
