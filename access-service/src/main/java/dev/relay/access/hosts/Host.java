package dev.relay.access.hosts;

import dev.relay.contracts.SealedSecret;

/** A host as access-service knows it: the admin API base, its sealed admin token, and the URL clients call. */
public record Host(String id, String name, String adminUrl, SealedSecret adminToken, String clientUrl) {}
