/** The {@code ./isthmus console} command line. */
package io.isthmus.console.cli;
