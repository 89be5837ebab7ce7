package dev.midge.cli;

import dev.midge.cli.client.ClientSharedOptions;
import dev.midge.cli.client.ToolError;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the client tools share: standard streams (replaceable in tests), and the end of a run:
 * a {@link ToolError} becomes mosquitto's message on stderr (unless --quiet) and its exit code;
 * nothing ends in a Java stack trace.
 */
abstract class ClientTool implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;

    protected abstract ClientSharedOptions shared();

    protected abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ToolError e) {
            if (!shared().quiet) {
                err.println(e.getMessage());
                if (e.usageHint()) {
                    err.println();
                    err.println("Use '" + spec.qualifiedName() + " --help' to see usage.");
                }
            }
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            if (!shared().quiet) {
                err.println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            return 1;
        } finally {
            out.flush();
        }
    }
}
