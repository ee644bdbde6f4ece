/**
 * Implementation shared by the JSON mapping and the OIP codec. Public only so that both packages
 * can use it; not an API, and it may change without notice.
 */
package io.isthmus.protocol.internal;
