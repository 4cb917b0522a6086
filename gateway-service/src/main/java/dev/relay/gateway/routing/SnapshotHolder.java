package dev.relay.gateway.routing;

import java.util.concurrent.atomic.AtomicReference;

/** The current snapshot; replaced atomically, only by a newer config version. */
public class SnapshotHolder {

    private final AtomicReference<RoutingSnapshot> current = new AtomicReference<>(RoutingSnapshot.EMPTY);

    public RoutingSnapshot get() {
        return current.get();
    }

    /** Installs {@code next} unless a snapshot of the same or a newer version is already installed. */
    public boolean install(RoutingSnapshot next) {
        while (true) {
            RoutingSnapshot cur = current.get();
            if (cur != RoutingSnapshot.EMPTY && next.version() <= cur.version()) {
                return false;
            }
            if (current.compareAndSet(cur, next)) {
                return true;
            }
        }
    }
}
