package dev.relay.simulator.content;

/** Small, stable, non-cryptographic hashes (FNV-1a) that make the simulated content deterministic. */
public final class Hashing {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Hashing() {}

    public static int fnv32(CharSequence text) {
        int h = 0x811c9dc5;
        if (text != null) {
            for (int i = 0; i < text.length(); i++) {
                h ^= text.charAt(i);
                h *= 0x01000193;
            }
        }
        return h;
    }

    public static long fnv64(CharSequence text) {
        long h = 0xcbf29ce484222325L;
        if (text != null) {
            for (int i = 0; i < text.length(); i++) {
                h ^= text.charAt(i);
                h *= 0x100000001b3L;
            }
        }
        return h;
    }

    /** Eight lower-case hex digits of the 32-bit FNV-1a hash of {@code text}. */
    public static String hex8(CharSequence text) {
        return hex(fnv32(text) & 0xFFFFFFFFL, 8);
    }

    /** The low {@code digits} nibbles of {@code value}, zero-padded, lower case. */
    public static String hex(long value, int digits) {
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        return new String(out);
    }

    /** SplitMix64 step: a well-mixed 64-bit value derived from {@code seed}. */
    public static long mix(long seed) {
        long z = seed + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
