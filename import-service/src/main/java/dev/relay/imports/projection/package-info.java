/** The run projection: item states, stage history and retry trail, built only from the item events. */
package dev.relay.imports.projection;
