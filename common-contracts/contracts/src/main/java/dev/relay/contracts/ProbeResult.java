package dev.relay.contracts;

import java.util.List;
import java.util.Map;

/**
 * What probing found: the normalised base URL, the protocol that answered, the models (upstream names), the model
 * chosen for smoke tests, corrections applied to model names (asked for → real), and the capability profile.
 */
public record ProbeResult(
        String normalizedBaseUrl,
        Protocol protocol,
        String vendor,
        List<String> models,
        String smokeModel,
        Map<String, String> modelCorrections,
        CapabilityProfile capabilities,
        long latencyMillis) {
    public ProbeResult {
        models = List.copyOf(models);
        modelCorrections = Map.copyOf(modelCorrections);
    }
}
