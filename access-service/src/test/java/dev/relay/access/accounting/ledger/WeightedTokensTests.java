package dev.relay.access.accounting.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.access.accounting.AccountingProperties;
import dev.relay.contracts.UsageRecorded.TokenUsage;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedTokensTests {

    @Test
    void weightsPromptPlusCompletionAndRoundsUp() {
        TokenUsage u = new TokenUsage(100, 33, 0, 0, false);
        assertThat(UsageLedger.weighted(u, BigDecimal.ONE)).isEqualTo(133);
        assertThat(UsageLedger.weighted(u, new BigDecimal("2.5"))).isEqualTo(333); // 332.5 rounds up
        assertThat(UsageLedger.weighted(u, new BigDecimal("0.01"))).isEqualTo(2); // 1.33 rounds up
        assertThat(UsageLedger.weighted(u, BigDecimal.ZERO)).isZero();
    }

    @Test
    void cacheTokensAreNotAddedOnTopOfThePrompt() {
        // OpenAI-style: prompt 100 includes 80 cached; Anthropic-style cache reads/writes sit outside input_tokens
        assertThat(UsageLedger.weighted(new TokenUsage(100, 10, 80, 0, false), BigDecimal.ONE))
                .isEqualTo(110);
        assertThat(UsageLedger.weighted(new TokenUsage(20, 10, 500, 300, false), BigDecimal.ONE))
                .isEqualTo(30);
    }

    @Test
    void aModelWithoutAWeightWeighsOne() {
        AccountingProperties p = new AccountingProperties(
                null, Map.of("sim-gpt-4o", new BigDecimal("3")), null, null, null, null, null, null, null, null);
        assertThat(p.weight("sim-gpt-4o")).isEqualByComparingTo("3");
        assertThat(p.weight("other")).isEqualByComparingTo("1");
        assertThat(p.weight(null)).isEqualByComparingTo("1");
        assertThat(p.zone().getId()).isEqualTo("UTC");
    }
}
