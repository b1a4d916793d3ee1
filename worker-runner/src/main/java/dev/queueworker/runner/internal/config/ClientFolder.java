package dev.queueworker.runner.internal.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@value #PLACEHOLDER} placeholder of {@code BLOB_NAME_TEMPLATE}, and the folder it gives a
 * client in a container (or documents directory) that several clients share.
 *
 * <pre>{@code
 * ClientFolder.fill("{client_id}/{document_set}/{filename}", "alpha");  // "alpha/{document_set}/{filename}"
 * ClientFolder.of("uploads/{client_id}/{filename}", "alpha");            // folder "uploads/alpha/"
 * ClientFolder.of("{document_set}/{client_id}/{filename}", "alpha");     // empty: the folder is not fixed
 * }</pre>
 *
 * <p>A template keeps clients apart only when everything before {@value #PLACEHOLDER} is fixed text
 * and the placeholder is a whole folder ({@code {client_id}/}): then every name it makes for alpha
 * starts with {@code alpha/}, which no name made for another client does ({@code {client_id}-x}
 * would let client {@code alpha-x}'s names be alpha's).
 *
 * @param prefix the folder every document name of this client starts with, ending with {@code /}
 */
public record ClientFolder(String prefix) {

    /** The placeholder the daemon fills with the client id before the template is used. */
    public static final String PLACEHOLDER = "{client_id}";

    /** Fixed text (no placeholder) ending with '/', or nothing, then the client's whole folder. */
    private static final Pattern SCOPED = Pattern.compile("((?:[^{}]*/)?)" + Pattern.quote(PLACEHOLDER) + "/.+");

    /** {@code template} with every {@value #PLACEHOLDER} replaced by {@code client}. */
    public static String fill(String template, String client) {
        return template.replace(PLACEHOLDER, client);
    }

    /** The folder {@code template} keeps {@code client}'s documents in, or empty when it keeps none apart. */
    public static Optional<ClientFolder> of(String template, String client) {
        if (template == null) {
            return Optional.empty();
        }
        Matcher m = SCOPED.matcher(template);
        return m.matches() ? Optional.of(new ClientFolder(m.group(1) + client + "/")) : Optional.empty();
    }

    /** Whether {@code name} is inside this folder. */
    public boolean contains(String name) {
        return name != null && name.startsWith(prefix);
    }
}
