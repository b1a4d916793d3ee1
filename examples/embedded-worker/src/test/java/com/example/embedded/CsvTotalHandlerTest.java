package com.example.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.TaskResult;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CsvTotalHandlerTest {

    private final TestTaskContext context = new TestTaskContext();
    private final CsvTotalHandler handler = new CsvTotalHandler();

    private void put(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        context.documents().put(name, new ByteArrayInputStream(bytes), bytes.length, "text/csv");
    }

    private TaskResult total(String filename, String column) throws Exception {
        return handler.handle(TestTasks.aTask("csv-total")
                .payload("filename", filename).payload("column", column).build(), context);
    }

    @Test
    void totalsAColumnExactly() throws Exception {
        put("may.csv", "invoice, amount ,customer\nA-1,10.10,x\n\nA-2, 20.20 ,y\nA-3,0.000001,z\n");

        TaskResult result = total("may.csv", "amount");

        assertThat(result.data().get("rows").asLong()).isEqualTo(3);
        assertThat(result.data().get("total").asText()).isEqualTo("30.300001");
    }

    @Test
    void anUnknownColumnIsAnInvalidTask() {
        put("may.csv", "invoice,amount\nA-1,1\n");

        assertThatThrownBy(() -> total("may.csv", "price"))
                .isInstanceOf(InvalidTaskException.class)
                .hasMessage("payload.column: no column 'price' in may.csv");
    }

    @Test
    void aValueThatIsNoNumberIsPermanentAndNamesTheLine() {
        put("may.csv", "invoice,amount\nA-1,1\nA-2,n/a\n");

        assertThatThrownBy(() -> total("may.csv", "amount"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("may.csv line 3: amount is not a number");
    }
}
