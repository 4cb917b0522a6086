package dev.relay.gateway.proxy;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.relay.contracts.UsageRecorded.TokenUsage;

/**
 * The last resort when an upstream reported no usage (a stream cut short): counts the delivered text with a real BPE
 * tokenizer (o200k_base) and marks the figure estimated. Never used when the upstream's own usage is available.
 */
public final class TokenEstimator {

    private final Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    public TokenUsage estimate(String completionText) {
        if (completionText == null || completionText.isEmpty()) {
            return new TokenUsage(0, 0, 0, 0, true);
        }
        return new TokenUsage(0, encoding.countTokensOrdinary(completionText), 0, 0, true);
    }

    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}
