package dev.queueworker.api;

import java.util.Locale;

/** The status a webhook reports. */
public enum TaskStatus {
    COMPLETED,
    FAILED;

    /** The lowercase form used in webhooks and logs: {@code completed} or {@code failed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
