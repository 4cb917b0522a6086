/** Probe jobs: accepted from item events, run on the durable timers, answered with item events. */
package dev.relay.probe.jobs;
