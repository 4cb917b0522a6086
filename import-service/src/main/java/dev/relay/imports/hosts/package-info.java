/** Hosts: the edges the control plane provisions into, registered by operators and announced as host events. */
package dev.relay.imports.hosts;
