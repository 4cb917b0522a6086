/** Wire contracts shared by every Relay service: the event envelope, one record per event, topics, classifications. */
package dev.relay.contracts;
