package dev.queueworker.api;

/**
 * Reports task outcomes. The engine calls it on a handler thread after each task; when the result
 * is {@link WebhookDelivery.Outcome#RETRY_LATER} the engine keeps the event durably on the queue and
 * calls again later with backoff, so an outcome is never lost.
 *
 * <p>The default implementation, {@code OkHttpWebhookNotifier} in worker-core, POSTs signed JSON
 * per the Standard Webhooks specification. <b>Thread safety:</b> implementations are safe for
 * concurrent use.
 */
public interface WebhookNotifier {

    /** A notifier that delivers nothing and says so. */
    WebhookNotifier NONE = event -> new WebhookDelivery(WebhookDelivery.Outcome.SKIPPED, 0, 0,
            "webhooks are disabled");

    /**
     * Delivers one event, with quick retries on transient failures. Never throws for delivery
     * failures: they are reported in the result.
     */
    WebhookDelivery deliver(WebhookEvent event);
}
