package dev.queueworker.ai.internal.check;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory the store writes to can be written, or created where it is missing. */
public record DirectoryProbe(String name, String option, Path dir) implements ConnectivityProbe {

    @Override
    public ProbeResult probe() {
        String shown = "{" + option + "} ";
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return Files.isWritable(absolute)
                    ? ProbeResult.ok(shown + absolute + " is writable")
                    : ProbeResult.fail(shown + absolute + " is not writable",
                            "give the worker's user write access, or set {" + option + "}");
        }
        if (Files.exists(absolute)) {
            return ProbeResult.fail(shown + absolute + " is not a directory", "check {" + option + "}");
        }
        Path parent = absolute.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent != null && Files.isDirectory(parent) && Files.isWritable(parent)) {
            return ProbeResult.ok(shown + absolute + " does not exist yet: will be created");
        }
        return ProbeResult.fail(shown + absolute + " cannot be created", "create it for the worker's user, or set {"
                + option + "}");
    }
}
