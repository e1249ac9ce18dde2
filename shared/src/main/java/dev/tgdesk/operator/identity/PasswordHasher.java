package dev.tgdesk.operator.identity;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Operator passwords: PBKDF2WithHmacSHA256 from the JDK, a random 16-byte salt per password, {@link #ITERATIONS}
 * rounds, a 256-bit result, stored as {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}. Verification
 * reads the iteration count from the stored value (so the constant can be raised later without locking anyone
 * out) and compares in constant time. Passwords are never logged, returned or put into exception messages.
 */
public final class PasswordHasher {

    /**
     * OWASP's Password Storage Cheat Sheet (2023) recommends 600,000 rounds for PBKDF2-HMAC-SHA256. Measured on
     * the 2-core build machine: about 360 ms per hash once warm (≈ 0.6 ms per 1,000 rounds); see docs/operators.md.
     */
    public static final int ITERATIONS = 600_000;
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 200;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final SecureRandom random = new SecureRandom();
    /** Verified against when the email is unknown, so that answer takes as long as a wrong password. */
    private final String dummy;

    public PasswordHasher() {
        this.dummy = hash("not a real password, only burns the same time");
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] derived = derive(password, salt, ITERATIONS);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derived);
    }

    /** True when {@code password} matches {@code stored}; a null or malformed {@code stored} never matches. */
    public boolean verify(String password, String stored) {
        if (password == null) password = "";
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            burn(password);
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 1 || iterations > 10_000_000) throw new IllegalArgumentException();
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            byte[] actual = derive(password, salt, iterations);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException malformed) {
            burn(password);
            return false;
        }
    }

    /** Spends the time of one verification without a real hash (unknown email at login). Always false. */
    public boolean burn(String password) {
        verify(password == null ? "" : password, dummy);
        return false;
    }

    /** Whether a stored hash uses fewer rounds than {@link #ITERATIONS} (re-hash it at the next successful login). */
    public static boolean outdated(String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        try {
            return parts.length != 4 || Integer.parseInt(parts[1]) < ITERATIONS;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
