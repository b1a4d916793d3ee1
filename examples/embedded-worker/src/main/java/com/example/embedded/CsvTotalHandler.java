package com.example.embedded;

import dev.queueworker.api.Document;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Totals one column of a CSV export stored in the document store, such as the amounts of an
 * invoice list a frontend uploaded.
 *
 * <p>Message: {@code {"task_type": "csv-total", "payload": {"filename": "exports/may.csv", "column": "amount"}}}.
 * Result: {@code {"filename": "exports/may.csv", "column": "amount", "rows": 3, "total": "60.75"}}
 * (the total as a string, so no decimal is lost to a JSON double).
 *
 * <p>The CSV is simple: a header line, comma-separated fields without quoted commas. A missing
 * document, a missing column or a value that is not a number is permanent (poison queue,
 * {@code failed} webhook); an I/O error while reading is retried. Stateless and thread-safe.
 */
public final class CsvTotalHandler implements TaskHandler {

    @Override
    public String taskType() {
        return "csv-total";
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) throws IOException {
        String filename = task.requireString("filename");
        String column = task.requireString("column");
        try (Document document = context.documents().open(filename);
                BufferedReader lines = new BufferedReader(
                        new InputStreamReader(document.content(), StandardCharsets.UTF_8))) {
            String header = lines.readLine();
            List<String> columns = header == null ? List.of() : Arrays.asList(header.split(",", -1));
            int index = columns.stream().map(String::strip).toList().indexOf(column);
            if (index < 0) {
                throw new InvalidTaskException("payload.column", "no column '" + column + "' in " + filename);
            }
            BigDecimal total = BigDecimal.ZERO;
            long rows = 0;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                context.throwIfCancelled();
                rows++;
                String[] fields = line.split(",", -1);
                String value = index < fields.length ? fields[index].strip() : "";
                try {
                    total = total.add(new BigDecimal(value));
                } catch (NumberFormatException e) {
                    throw new PermanentException(filename + " line " + (rows + 1) + ": " + column
                            + " is not a number");
                }
            }
            return TaskResult.of(TaskResult.newData()
                    .put("filename", filename)
                    .put("column", column)
                    .put("rows", rows)
                    .put("total", total.toPlainString()));
        }
    }
}
