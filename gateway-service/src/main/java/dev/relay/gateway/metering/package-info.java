/** Usage metering: one usage.recorded event per client request, straight to Kafka, journaled while Kafka is away. */
package dev.relay.gateway.metering;
