package dev.relay.gateway.metering;

import dev.relay.contracts.UsageRecorded;

/** Receives one {@link UsageRecorded} per client request. Must not block the caller. */
public interface UsageSink {
    void record(UsageRecorded usage);
}
