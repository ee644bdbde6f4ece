/**
 * Quantities written by people, in command-line options and configuration files: {@link
 * io.isthmus.protocol.units.Durations}.
 */
package io.isthmus.protocol.units;
