package dev.midge.cli.client;

/**
 * Ends a client tool with Mosquitto's message and exit code. {@code usageHint} adds the
 * "Use 'midge pub --help' to see usage." paragraph that Mosquitto prints after argument errors.
 */
public final class ToolError extends Exception {
    private final int exitCode;
    private final boolean usageHint;

    public ToolError(String message, int exitCode, boolean usageHint) {
        super(message);
        this.exitCode = exitCode;
        this.usageHint = usageHint;
    }

    /** An argument error: exit code 1 and the usage hint. */
    public static ToolError usage(String message) {
        return new ToolError(message, 1, true);
    }

    public int exitCode() {
        return exitCode;
    }

    public boolean usageHint() {
        return usageHint;
    }
}
