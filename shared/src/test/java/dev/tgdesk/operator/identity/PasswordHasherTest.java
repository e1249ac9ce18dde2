package dev.tgdesk.operator.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

    static final PasswordHasher HASHER = new PasswordHasher();

    @Test
    void hashesAreSaltedAndVerify() {
        String a = HASHER.hash("correct horse battery");
        String b = HASHER.hash("correct horse battery");
        assertNotEquals(a, b, "a random salt per hash");
        String[] parts = a.split("\\$");
        assertEquals(4, parts.length);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals(String.valueOf(PasswordHasher.ITERATIONS), parts[1]);
        assertEquals(16, java.util.Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, java.util.Base64.getDecoder().decode(parts[3]).length);
        assertTrue(HASHER.verify("correct horse battery", a));
        assertFalse(HASHER.verify("correct horse batterY", a));
        assertFalse(HASHER.verify("", a));
        assertFalse(PasswordHasher.outdated(a));
    }

    @Test
    void malformedStoredValuesNeverMatch() {
        for (String stored : new String[] {null, "", "plain", "pbkdf2-sha256$x$y$z", "md5$1$AA$AA", "pbkdf2-sha256$0$AA$AA"}) {
            assertFalse(HASHER.verify("whatever-password", stored), String.valueOf(stored));
        }
        assertTrue(PasswordHasher.outdated("pbkdf2-sha256$1000$AA$AA"));
    }

    @Test
    void aHashWithFewerRoundsStillVerifies() throws Exception {
        // written by an older version of the constant: verification reads the count from the value
        byte[] salt = new byte[16];
        var spec = new javax.crypto.spec.PBEKeySpec("an old password".toCharArray(), salt, 1000, 256);
        byte[] hash = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        var b64 = java.util.Base64.getEncoder().withoutPadding();
        String stored = "pbkdf2-sha256$1000$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        assertTrue(HASHER.verify("an old password", stored));
        assertTrue(PasswordHasher.outdated(stored));
    }
}
