/**
 * The service-provider interfaces and value types of queue-worker.
 *
 * <p>A {@link dev.queueworker.api.QueueProvider} hands messages to the engine, a
 * {@link dev.queueworker.api.TaskHandler} runs one {@link dev.queueworker.api.Task}, a
 * {@link dev.queueworker.api.DocumentStore} serves the documents a task names, and a
 * {@link dev.queueworker.api.WebhookNotifier} reports each outcome.
 *
 * <p>Failures form one unchecked tree rooted at {@link dev.queueworker.api.QueueWorkerException}:
 * a {@link dev.queueworker.api.RetryableException} makes the engine try again later, a
 * {@link dev.queueworker.api.PermanentException} sends the message to the poison queue at once.
 *
 * <p>Nullability: parameters and return values are non-null unless their documentation says
 * {@code nullable}.
 */
package dev.queueworker.api;
