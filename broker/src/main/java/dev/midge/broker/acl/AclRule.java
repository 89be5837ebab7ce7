package dev.midge.broker.acl;

/**
 * One {@code topic} or {@code pattern} line.
 *
 * @param access  what it grants or denies
 * @param filter  the topic filter; in a pattern, %c and %u stand for the client id and user name
 * @param line    where it was read, for logs
 */
record AclRule(AclAccess access, String filter, int line) {
}
