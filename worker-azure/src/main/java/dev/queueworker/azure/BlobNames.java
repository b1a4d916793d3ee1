package dev.queueworker.azure;

import dev.queueworker.api.DocumentNames;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.Task;

/**
 * The blob a task names: {@link DocumentNames} with Azure's blob-name rules
 * ({@link AzureBlobDocumentStore#checkBlobName}) on top of every store's.
 *
 * <pre>{@code
 * // payload {"filename": "report.pdf", "document_set": "policies"}
 * BlobNames.forTask(task, "{document_set}/{filename}");   // "policies/report.pdf"
 * }</pre>
 */
public final class BlobNames {

    /** The template used when none is configured: the payload's {@code filename} as it is. */
    public static final String DEFAULT_TEMPLATE = DocumentNames.DEFAULT_TEMPLATE;

    private BlobNames() {
    }

    /**
     * The blob {@code task} names.
     *
     * @param template a template as checked by {@link #checkTemplate}; null for {@value #DEFAULT_TEMPLATE}
     * @throws InvalidTaskException naming the payload field when a field the name needs is missing or
     *     the name is not a valid blob name
     * @throws IllegalArgumentException when the template is not valid
     */
    public static String forTask(Task task, String template) {
        return DocumentNames.forTask(task, template, AzureBlobDocumentStore::checkBlobName);
    }

    /**
     * Checks a blob name template against Azure's rules; see {@link DocumentNames#checkTemplate}.
     *
     * @throws IllegalArgumentException naming the option {@code 'blobNameTemplate'}
     */
    public static String checkTemplate(String template) {
        return DocumentNames.checkTemplate(template, AzureBlobDocumentStore::checkBlobName);
    }
}
