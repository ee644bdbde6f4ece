/**
 * Access: API tokens with roles ({@link io.isthmus.console.auth.Role}), stored hashed ({@link
 * io.isthmus.console.auth.TokenStore}).
 */
package io.isthmus.console.auth;
