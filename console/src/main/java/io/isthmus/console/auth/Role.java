package io.isthmus.console.auth;

/** What a token may do; each role includes the ones before it. */
public enum Role {
  /** Reads everything. */
  VIEWER,
  /** Also uploads models, labels gateways and drives rollouts. */
  OPERATOR,
  /** Also manages tokens. */
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  /**
   * @throws IllegalArgumentException naming the value and the roles when it is none of them
   */
  public static Role parse(String value) {
    for (Role role : values()) {
      if (role.name().equalsIgnoreCase(value)) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "role '" + value + "' is not valid: expected viewer, operator or admin");
  }
}
