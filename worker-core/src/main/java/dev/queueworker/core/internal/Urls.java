package dev.queueworker.core.internal;

import java.net.URI;
import java.net.URISyntaxException;

/** URL helpers for logs. */
public final class Urls {
    private Urls() {
    }

    /** The URL without user info, query or fragment, which may carry tokens. */
    public static String redact(String url) {
        if (url == null) {
            return "none";
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) {
                return "<unparsable URL>";
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "<unparsable URL>";
        }
    }
}
