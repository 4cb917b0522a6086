/** Transactional outbox writer, inbox guard and Kafka adapter support shared by every Relay service. */
package dev.relay.outbox;
