package dev.relay.simulator.content;

/** The simulator's "tokenizer": one token per whitespace-separated word. */
public final class Tokens {

    private Tokens() {}

    public static int words(CharSequence text) {
        if (text == null) {
            return 0;
        }
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }
}
