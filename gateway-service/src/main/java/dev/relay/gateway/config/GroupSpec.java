package dev.relay.gateway.config;

import java.util.List;

/**
 * The desired state of one client group. This record is the group's schema: {@link SpecJson} maps its components one
 * to one onto the admin API's JSON and onto the {@code spec} column of {@code client_group} (see {@link ChannelSpec}).
 *
 * @param models public model names its keys may use; {@code ["*"]} = every routed model
 */
public record GroupSpec(String name, List<String> models, EntryStatus status, String managedBy, String externalRef) {

    public static final String ALL_MODELS = "*";

    public GroupSpec {
        name = Checks.requiredText(name, "name", Checks.NAME_MAX);
        models = Checks.names(models, "models", true);
        if (models.contains(ALL_MODELS) && models.size() > 1) {
            throw ConfigException.invalid("models", "'*' (every model) must be the only entry of models");
        }
        status = status == null ? EntryStatus.ENABLED : status;
        managedBy = Checks.optionalText(managedBy, "managedBy", Checks.MANAGED_BY_MAX);
        externalRef = Checks.optionalText(externalRef, "externalRef", Checks.EXTERNAL_REF_MAX);
        Checks.ownership(managedBy, externalRef);
    }

    public boolean allModels() {
        return models.contains(ALL_MODELS);
    }

    public GroupSpec withStatus(EntryStatus newStatus) {
        return new GroupSpec(name, models, newStatus, managedBy, externalRef);
    }
}
