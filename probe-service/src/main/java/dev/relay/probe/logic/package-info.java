/** Pure probing logic: vendor knowledge, base-URL candidates, model-name correction, error classification, retry policy. */
package dev.relay.probe.logic;
