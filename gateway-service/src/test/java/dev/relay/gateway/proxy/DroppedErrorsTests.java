package dev.relay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class DroppedErrorsTests {

    @Test
    void recognisesClientDisconnectsWhereverTheyAreInTheCauseChain() {
        assertThat(DroppedErrors.isClientAbort(new IOException("Connection reset by peer")))
                .isTrue();
        assertThat(DroppedErrors.isClientAbort(new IllegalStateException("write", new ClosedChannelException())))
                .isTrue();
        assertThat(DroppedErrors.isClientAbort(new IOException("Broken pipe"))).isTrue();
    }

    @Test
    void leavesRealErrorsToBeLogged() {
        assertThat(DroppedErrors.isClientAbort(new IllegalStateException("bug")))
                .isFalse();
        assertThat(DroppedErrors.isClientAbort(new IOException("No space left on device")))
                .isFalse();
    }
}
