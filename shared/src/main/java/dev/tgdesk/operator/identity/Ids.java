package dev.tgdesk.operator.identity;

import java.security.SecureRandom;

/** Opaque, URL-safe, non-enumerable ids for operators and teams: 22 base-32 characters (110 random bits). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private Ids() {
    }

    public static String random() {
        char[] out = new char[22];
        for (int i = 0; i < out.length; i++) out[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        return new String(out);
    }

    /** Whether {@code id} could be one of ours (cheap check before any read). */
    public static boolean plausible(String id) {
        return id != null && id.matches("[a-z2-9]{22}");
    }
}
