package dev.midge.broker.acl;

/** What an ACL line grants: Mosquitto's read, write, readwrite (the default) and deny. */
public enum AclAccess {
    READ, WRITE, READWRITE, DENY;

    boolean grantsRead() {
        return this == READ || this == READWRITE;
    }

    boolean grantsWrite() {
        return this == WRITE || this == READWRITE;
    }
}
