/** Integration-test harness: real PostgreSQL, Kafka and Kafka Connect/Debezium for every module's tests. */
package dev.relay.testsupport;
