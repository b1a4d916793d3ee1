package dev.queueworker.runner.internal.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.runner.internal.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path work;

    @Test
    void aDirectoryIsClaimedByItsFirstClientAndRefusedToAnyOther() throws Exception {
        Path shared = work.resolve("shared");
        DataDirectory.claim(shared, "alpha");
        assertThat(Files.readString(shared.resolve(DataDirectory.MARKER))).isEqualTo("alpha\n");
        assertThat(Files.list(shared).map(p -> p.getFileName().toString())).as("no temporary file left")
                .containsExactly(DataDirectory.MARKER);
        assertThatCode(() -> DataDirectory.claim(shared, "alpha")).as("alpha again, e.g. after a restart")
                .doesNotThrowAnyException();

        assertThatThrownBy(() -> DataDirectory.claim(shared, "beta")).isInstanceOf(ConfigException.class)
                .hasMessage("WORKER_DATA_DIR " + shared + " belongs to client alpha (" + shared.resolve(DataDirectory.MARKER)
                        + "), and this worker serves beta: set WORKER_DATA_DIR to a directory of beta's own (two"
                        + " clients must not share its chunks.json and console files)");
        assertThat(Files.readString(shared.resolve(DataDirectory.MARKER))).isEqualTo("alpha\n");
    }

    @Test
    void filesAnEarlierVersionLeftInTheOldDefaultAreNeitherTakenNorHidden() throws Exception {
        Path old = work.resolve("data");
        Files.createDirectories(old);
        Files.writeString(old.resolve("chunks.json"), "{}");
        Files.writeString(old.resolve("console-outcomes.jsonl"), "");
        Path mine = old.resolve("alpha");

        assertThatThrownBy(() -> DataDirectory.checkOldDefault(old, mine, "alpha")).isInstanceOf(ConfigException.class)
                .hasMessage("WORKER_DATA_DIR is unset, so alpha's data directory is now " + mine + ", but " + old
                        + " (the default before) holds chunks.json, console-outcomes.jsonl, which name no client: set"
                        + " WORKER_DATA_DIR=" + old + " to keep using them (only if they are alpha's), or move them into "
                        + mine + "; or set WORKER_DATA_DIR=" + mine + " to start alpha without them");
        assertThat(old.resolve("chunks.json")).as("left where it was").exists();

        DataDirectory.claim(old, "alpha"); // the operator set WORKER_DATA_DIR=data for alpha
        assertThatCode(() -> DataDirectory.checkOldDefault(old, old.resolve("beta"), "beta"))
                .as("alpha's files are not beta's concern").doesNotThrowAnyException();
        assertThatThrownBy(() -> DataDirectory.checkOldDefault(old, mine, "alpha"))
                .as("alpha's own files, with the setting removed again").hasMessageContaining("holds chunks.json,"
                        + " console-outcomes.jsonl of alpha: set WORKER_DATA_DIR=" + old);

        DataDirectory.claim(mine, "alpha");
        assertThatCode(() -> DataDirectory.checkOldDefault(old, mine, "alpha")).as("once the new one is in use")
                .doesNotThrowAnyException();
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsLeftUnclaimed() throws Exception {
        Path file = Files.writeString(work.resolve("not-a-directory"), "x");
        assertThatCode(() -> DataDirectory.claim(file.resolve("data"), "alpha")).doesNotThrowAnyException();
        assertThat(DataDirectory.owner(file.resolve("data"))).isEmpty();
    }
}
