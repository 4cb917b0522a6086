package dev.relay.gateway.routing;

import java.util.Set;

/** A client group: the public models its keys may use ({@code allModels} = every routed model). */
public record GroupEntry(String id, String name, Set<String> models, boolean allModels, boolean enabled) {
    public GroupEntry {
        models = Set.copyOf(models);
    }

    public boolean allows(String publicModel) {
        return enabled && (allModels || models.contains(publicModel));
    }
}
