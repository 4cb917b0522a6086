package dev.relay.probe.logic;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Comparison keys for model names, shared by {@link ModelNames} and the alias table of {@link VendorCatalog}: lower
 * case, separators unified, organisation prefix stripped, {@code -latest} and date suffixes split off. Pure.
 */
final class NameKeys {

    /** Whitespace, underscores, dots and every Unicode dash count as one separator. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s_.\\p{Pd}]+");

    private static final Pattern AROUND_SLASH = Pattern.compile("-*/-*");
    private static final Pattern LATEST = Pattern.compile("-latest$");
    private static final Pattern DATE = Pattern.compile("-(\\d{8}|\\d{4}-\\d{2}-\\d{2}|\\d{4})$");

    /** Names longer than this are compared on their first this-many characters only. */
    static final int MAX_COMPARED = 256;

    private NameKeys() {}

    /** Lower case (root locale), nothing else. */
    static String caseKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * Compatibility-normalised (NFKC: full-width letters become ASCII), lower case, trimmed, every run of separators
     * ({@code _}, {@code .}, whitespace, dashes) one {@code -}, no separator at either end or around {@code /}.
     */
    static String sepKey(String name) {
        String s = Normalizer.normalize(name, Normalizer.Form.NFKC)
                .toLowerCase(Locale.ROOT)
                .strip();
        s = SEPARATORS.matcher(s).replaceAll("-");
        s = AROUND_SLASH.matcher(s).replaceAll("/");
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '-') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '-') {
            to--;
        }
        return s.substring(from, to);
    }

    /** The organisation prefix of a name, up to and including its last {@code /}; empty when it has none. */
    static String prefix(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    /** The name without its organisation prefix. */
    static String stripPrefix(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }

    /** {@link #sepKey} without the organisation prefix: {@code deepseek-ai/DeepSeek_V3} → {@code deepseek-v3}. */
    static String bareKey(String name) {
        return stripPrefix(sepKey(name));
    }

    /** Number of {@code /}-separated prefix segments ({@code Pro/deepseek-ai/x} has 2). */
    static int prefixSegments(String name) {
        int n = 0;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    /**
     * A bare key split into its core, whether it ended in {@code -latest}, and its date suffix ({@code -20241022},
     * {@code -2024-10-22}, {@code -MMDD} or {@code -YYMM}).
     *
     * @param date the date suffix's digits, or null when there is none
     * @param dateOrder a number that orders dates of one family (later is larger); 0 without a date
     */
    record Suffixes(String core, boolean latest, String date, long dateOrder) {}

    static Suffixes suffixes(String bareKey) {
        String s = bareKey;
        boolean latest = false;
        Matcher l = LATEST.matcher(s);
        if (l.find() && l.start() > 0) {
            latest = true;
            s = s.substring(0, l.start());
        }
        Matcher d = DATE.matcher(s);
        if (d.find() && d.start() > 0) {
            String digits = d.group(1).replace("-", "");
            long order = dateOrder(digits);
            if (order > 0) {
                return new Suffixes(s.substring(0, d.start()), latest, digits, order);
            }
        }
        return new Suffixes(s, latest, null, 0);
    }

    /** The order of a date suffix, or 0 when the digits are not a plausible date. */
    static long dateOrder(String digits) {
        if (digits.length() == 8) {
            int y = Integer.parseInt(digits.substring(0, 4));
            int m = Integer.parseInt(digits.substring(4, 6));
            int d = Integer.parseInt(digits.substring(6, 8));
            return y >= 1990 && y <= 2099 && validMonthDay(m, d) ? Long.parseLong(digits) : 0;
        }
        if (digits.length() == 4) {
            int a = Integer.parseInt(digits.substring(0, 2));
            int b = Integer.parseInt(digits.substring(2, 4));
            if (validMonthDay(a, b)) {
                return a * 100L + b; // MMDD, year unknown: orders within a year
            }
            if (a >= 20 && a <= 39 && b >= 1 && b <= 12) {
                return (2000L + a) * 10000 + b * 100L; // YYMM
            }
        }
        return 0;
    }

    private static boolean validMonthDay(int m, int d) {
        return m >= 1 && m <= 12 && d >= 1 && d <= 31;
    }

    /** Levenshtein distance, on at most {@link #MAX_COMPARED} characters of each side. */
    static int levenshtein(String a, String b) {
        String x = a.length() > MAX_COMPARED ? a.substring(0, MAX_COMPARED) : a;
        String y = b.length() > MAX_COMPARED ? b.substring(0, MAX_COMPARED) : b;
        int[] prev = new int[y.length() + 1];
        int[] cur = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length()];
    }

    /** 1 for equal strings, 0 for nothing in common: {@code 1 - levenshtein / longer length}. */
    static double similarity(String a, String b) {
        int max = Math.max(Math.min(a.length(), MAX_COMPARED), Math.min(b.length(), MAX_COMPARED));
        return max == 0 ? 1.0 : 1.0 - (double) levenshtein(a, b) / max;
    }
}
