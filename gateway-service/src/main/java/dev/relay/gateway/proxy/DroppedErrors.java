package dev.relay.gateway.proxy;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

/**
 * Reactor hands errors that arrive after a subscriber cancelled to {@code onErrorDropped}, which by default logs them
 * at ERROR with a stack trace. On the edge almost all of them are clients that disconnected mid-write (Reactor Netty's
 * {@code AbortedException}, "Connection reset by peer"): ordinary traffic, already metered as client-aborted. Those
 * are logged at DEBUG; anything else still at WARN, with its stack trace.
 */
public final class DroppedErrors {

    private static final Logger log = LoggerFactory.getLogger(DroppedErrors.class);

    private DroppedErrors() {}

    public static void install() {
        Hooks.onErrorDropped(DroppedErrors::handle);
    }

    static void handle(Throwable e) {
        if (isClientAbort(e)) {
            log.debug("client went away before a write completed: {}", e.toString());
        } else {
            log.warn("error after the subscriber had cancelled", e);
        }
    }

    static boolean isClientAbort(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String n = t.getClass().getName();
            if (n.endsWith("AbortedException")
                    || n.endsWith("PrematureCloseException")
                    || n.equals("io.netty.channel.unix.Errors$NativeIoException")
                    || n.endsWith("ClosedChannelException")
                    || (t instanceof IOException
                            && t.getMessage() != null
                            && (t.getMessage().contains("Connection reset")
                                    || t.getMessage().contains("Broken pipe")
                                    || t.getMessage().contains("prematurely closed")))) {
                return true;
            }
        }
        return false;
    }
}
