package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worker-ai's probes without a network: names, order, the file store's directory, the skipped rows. */
class AiProbesTest {

    @TempDir
    Path dir;

    @Test
    void theFileStoresProbesAreTheModelTheDirectoryAndTheChatModel() throws Exception {
        Path data = dir.resolve("data");
        AiSettings settings = AiSettings.builder().dataDir(data).build();
        List<ConnectivityProbe> probes = AiProbes.of(settings);
        assertThat(probes).extracting(ConnectivityProbe::name).containsExactly("embeddings", "vector store", "llm");

        ProbeResult missing = probes.get(1).probe();
        assertThat(missing.status()).isEqualTo(ProbeResult.Status.OK);
        assertThat(missing.detail()).isEqualTo("{dataDir} " + data.toAbsolutePath()
                + " does not exist yet: will be created");
        Files.writeString(data, "not a directory");
        ProbeResult file = probes.get(1).probe();
        assertThat(file.status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(file.hint()).isEqualTo("check {dataDir}");

        ProbeResult llm = probes.get(2).probe();
        assertThat(llm.status()).isEqualTo(ProbeResult.Status.SKIP);
        assertThat(llm.detail()).isEqualTo("{summarizer}=extractive: no model");
    }

    @Test
    void pgvectorsTableRowIsSkippedWhenTheDatabaseProbeDidNotReachIt() {
        AiSettings settings = AiSettings.builder().databaseUrl("postgresql://u:secret@127.0.0.1:1/db").build();
        List<ConnectivityProbe> probes = AiProbes.of(settings);
        assertThat(probes).extracting(ConnectivityProbe::name)
                .containsExactly("embeddings", "vector store", "vector table", "llm");
        assertThat(probes.get(1).timeoutHint()).isEqualTo("check {databaseUrl}");
        ProbeResult table = probes.get(2).probe();
        assertThat(table.status()).isEqualTo(ProbeResult.Status.SKIP);
        assertThat(table.detail()).isEqualTo("the database did not answer");
    }

    @Test
    void anUnreachableDatabaseFailsWithAHintNamingTheOptionAndNoPassword() {
        AiSettings settings = AiSettings.builder().databaseUrl("postgresql://u:secret@127.0.0.1:1/db").build();
        List<ConnectivityProbe> probes = AiProbes.of(settings);
        ProbeResult db = probes.get(1).probe();
        assertThat(db.status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(db.detail()).startsWith("cannot connect to PostgreSQL at 127.0.0.1:1/db").doesNotContain("secret");
        assertThat(db.hint()).isEqualTo("is PostgreSQL running at 127.0.0.1:1? ({databaseUrl})");
        assertThat(probes.get(2).probe().status()).isEqualTo(ProbeResult.Status.SKIP);
    }
}
