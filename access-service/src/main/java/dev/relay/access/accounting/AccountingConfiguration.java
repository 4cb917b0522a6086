package dev.relay.access.accounting;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Accounting's settings ({@code relay.accounting.*}). */
@Configuration
@EnableConfigurationProperties(AccountingProperties.class)
public class AccountingConfiguration {}
