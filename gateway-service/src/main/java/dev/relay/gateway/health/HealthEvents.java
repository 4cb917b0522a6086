package dev.relay.gateway.health;

import dev.relay.contracts.ChannelCooledDown;
import dev.relay.contracts.FailureClass;

/** Where channel-health decisions go so every replica and every restart sees them. */
public interface HealthEvents {
    HealthEvents NONE = new HealthEvents() {
        @Override
        public void cooledDown(ChannelCooledDown event) {}

        @Override
        public void autoDisable(String channelId, FailureClass cause, String detail) {}
    };

    /** A cooldown this replica decided (persist it and tell the other replicas). */
    void cooledDown(ChannelCooledDown event);

    /** Disable the channel until an operator (or a successful re-probe) re-enables it. */
    void autoDisable(String channelId, FailureClass cause, String detail);
}
