package dev.relay.contracts;

import java.util.List;

/**
 * What probing found: the API base per protocol the upstream speaks, the vendor (from the vendor data file, or {@code
 * unknown}), the models it will expose, each correction with its reason, the capability profile, the smoke model, the
 * evidence (every probe call), advisory warnings, and the channel dialect the vendor data gives for the vendor (null:
 * the edge's defaults).
 */
public record ProbeResult(
        List<ApiBase> apiBases,
        String vendor,
        List<ModelEntry> models,
        List<ModelCorrection> corrections,
        CapabilityProfile capabilities,
        String smokeModel,
        List<ProbeCall> evidence,
        List<Warning> warnings,
        long latencyMillis,
        ChannelDialect dialect) {
    public ProbeResult {
        apiBases = List.copyOf(apiBases);
        models = List.copyOf(models);
        corrections = List.copyOf(corrections);
        evidence = List.copyOf(evidence);
        warnings = List.copyOf(warnings);
    }
}
