package dev.queueworker.runner.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.runner.snippets.DocSnippets.Block;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Every {@code az} and Python block of the docs is one DocSnippetsIT runs: none can be added untested. */
class DocSnippetsTest {

    @Test
    void everyAzAndPythonBlockIsMarked() {
        List<String> unmarked = DocSnippets.blocks(DocSnippets.root()).stream()
                .filter(Block::runsAzOrPython)
                .filter(b -> b.name() == null)
                .map(b -> b.where() + "\n" + b.code())
                .toList();
        assertThat(unmarked).as("blocks running az or Python without <!-- snippet: NAME --> (add it and a test in"
                + " DocSnippetsIT)").isEmpty();
    }

    @Test
    void theMarkedBlocksAreExactlyThoseTheIntegrationTestRuns() {
        List<String> marked = DocSnippets.blocks(DocSnippets.root()).stream()
                .map(Block::name).filter(Objects::nonNull).toList();
        assertThat(marked).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(DocSnippetsIT.SNIPPETS);
    }

    @Test
    void aPlaceholderThatLeftTheDocsFailsLoudly() {
        Block block = new Block("example", Path.of("docs/x.md"), 3, "sh", "az storage queue list\n");
        assertThat(block.with(Map.of("queue list", "queue show"))).isEqualTo("az storage queue show\n");
        assertThatThrownBy(() -> block.with(Map.of("8080", "1234")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("docs/x.md:3").hasMessageContaining("'8080'");
    }

    @Test
    void recognisesAzAndPythonBlocks() {
        assertThat(new Block(null, null, 1, "sh", "az storage message put --queue-name q\n").runsAzOrPython()).isTrue();
        assertThat(new Block(null, null, 1, "sh", "x=1; az version\n").runsAzOrPython()).isTrue();
        assertThat(new Block(null, null, 1, "python", "print(1)\n").runsAzOrPython()).isTrue();
        assertThat(new Block(null, null, 1, "sh", "python3 -c 'print(1)'\n").runsAzOrPython()).isTrue();
        assertThat(new Block(null, null, 1, "sh", "kubectl apply -f deploy/kubernetes/\n").runsAzOrPython()).isFalse();
        assertThat(new Block(null, null, 1, "", "Azure answered: ok\n").runsAzOrPython()).isFalse();
    }
}
