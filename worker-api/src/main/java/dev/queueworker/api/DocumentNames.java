package dev.queueworker.api;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The document a task names: the payload's {@code blob_name} when present, otherwise a template
 * (a blob name template, default {@value #DEFAULT_TEMPLATE}) filled from the payload's
 * {@code document_set} and {@code filename}.
 *
 * <pre>{@code
 * // payload {"filename": "report.pdf", "document_set": "policies"}
 * DocumentNames.forTask(task, "{document_set}/{filename}");   // "policies/report.pdf"
 * // payload {"blob_name": "uploads/2024/report.pdf", "filename": "report.pdf"}
 * DocumentNames.forTask(task, "{document_set}/{filename}");   // "uploads/2024/report.pdf"
 * }</pre>
 *
 * <p>The name is checked with {@link DocumentStore#checkName} (or a store's stricter rule), and a bad
 * one is an {@link InvalidTaskException} naming the payload field it came from, such as
 * {@code payload.filename: must not contain '.' or '..' segments}.
 */
public final class DocumentNames {

    /** The option's name in error messages. */
    private static final String TEMPLATE_OPTION = "'blobNameTemplate'";

    /** The template used when none is configured: the payload's {@code filename} as it is. */
    public static final String DEFAULT_TEMPLATE = "{filename}";

    private static final String BLOB_NAME = "blob_name";
    private static final String FILENAME = "filename";
    private static final String DOCUMENT_SET = "document_set";
    private static final String FILENAME_PLACEHOLDER = "{" + FILENAME + "}";
    private static final String DOCUMENT_SET_PLACEHOLDER = "{" + DOCUMENT_SET + "}";

    private DocumentNames() {
    }

    /**
     * The document {@code task} names, checked with {@link DocumentStore#checkName}.
     *
     * @param template a template as checked by {@link #checkTemplate}; null for {@value #DEFAULT_TEMPLATE}
     * @throws InvalidTaskException naming {@code payload.blob_name}, {@code payload.filename} or
     *     {@code payload.document_set} when a field the name needs is missing or the name is not valid
     * @throws IllegalArgumentException when the template is not valid
     */
    public static String forTask(Task task, String template) {
        return forTask(task, template, DocumentStore::checkName);
    }

    /**
     * The document {@code task} names, checked with {@code checker} (a store's rule, which throws
     * {@link InvalidDocumentNameException}).
     */
    public static String forTask(Task task, String template, UnaryOperator<String> checker) {
        String checkedTemplate = checkTemplate(template, checker);
        Optional<String> blobName = task.optionalString(BLOB_NAME);
        if (blobName.isPresent()) {
            return check("payload." + BLOB_NAME, blobName.get(), checker);
        }
        // Each value is checked on its own first, so an error names the field that caused it.
        String documentSet = null;
        String filename = null;
        String blamed = null;
        if (checkedTemplate.contains(DOCUMENT_SET_PLACEHOLDER)) {
            documentSet = check("payload." + DOCUMENT_SET, task.requireString(DOCUMENT_SET), checker);
            blamed = "payload." + DOCUMENT_SET;
        }
        if (checkedTemplate.contains(FILENAME_PLACEHOLDER)) {
            filename = check("payload." + FILENAME, task.requireString(FILENAME), checker);
            blamed = "payload." + FILENAME;
        }
        return check(blamed, fill(checkedTemplate, documentSet, filename), checker);
    }

    /** Checks a template with {@link DocumentStore#checkName}; see {@link #checkTemplate(String, UnaryOperator)}. */
    public static String checkTemplate(String template) {
        return checkTemplate(template, DocumentStore::checkName);
    }

    /**
     * Checks a blob name template: not blank, only the placeholders {@code {document_set}}
     * and {@code {filename}}, at least one of them, and a valid blob name once they are filled.
     *
     * @param template the template; null for {@value #DEFAULT_TEMPLATE}
     * @return the template (or the default)
     * @throws IllegalArgumentException naming the option {@code 'blobNameTemplate'} otherwise
     */
    public static String checkTemplate(String template, UnaryOperator<String> checker) {
        if (template == null) {
            return DEFAULT_TEMPLATE;
        }
        if (template.isBlank()) {
            throw new IllegalArgumentException(TEMPLATE_OPTION + " must not be blank (default " + DEFAULT_TEMPLATE
                    + ")");
        }
        String rest = template.replace(DOCUMENT_SET_PLACEHOLDER, "").replace(FILENAME_PLACEHOLDER, "");
        if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            throw new IllegalArgumentException(TEMPLATE_OPTION + " '" + template + "' has an unknown placeholder"
                    + " or a stray brace; only " + DOCUMENT_SET_PLACEHOLDER + " and " + FILENAME_PLACEHOLDER
                    + " are allowed");
        }
        if (rest.length() == template.length()) {
            throw new IllegalArgumentException(TEMPLATE_OPTION + " '" + template + "' must use "
                    + DOCUMENT_SET_PLACEHOLDER + " or " + FILENAME_PLACEHOLDER
                    + ", or every task would name the same blob");
        }
        String sample = fill(template, "set", "file");
        try {
            checker.apply(sample);
        } catch (InvalidDocumentNameException e) {
            throw new IllegalArgumentException(TEMPLATE_OPTION + " '" + template + "' does not make valid"
                    + " document names: " + problem(e));
        }
        return template;
    }

    /** Fills the placeholders in one pass, so a value that looks like a placeholder stays as it is. */
    private static String fill(String template, String documentSet, String filename) {
        StringBuilder out = new StringBuilder();
        int index = 0;
        while (index < template.length()) {
            if (template.startsWith(FILENAME_PLACEHOLDER, index)) {
                out.append(filename);
                index += FILENAME_PLACEHOLDER.length();
            } else if (template.startsWith(DOCUMENT_SET_PLACEHOLDER, index)) {
                out.append(documentSet);
                index += DOCUMENT_SET_PLACEHOLDER.length();
            } else {
                out.append(template.charAt(index));
                index++;
            }
        }
        return out.toString();
    }

    private static String check(String field, String name, UnaryOperator<String> checker) {
        try {
            return checker.apply(name);
        } catch (InvalidDocumentNameException e) {
            throw new InvalidTaskException(field, problem(e));
        }
    }

    /** The problem part of an {@link InvalidDocumentNameException}'s message, without the quoted name. */
    private static String problem(InvalidDocumentNameException e) {
        String message = e.getMessage();
        int end = message.lastIndexOf("': ");
        return end < 0 ? message : message.substring(end + 3);
    }
}
