/**
 * Text extraction with Apache Tika for the {@code ingest} and {@code summarize} handlers: {@link
 * dev.queueworker.ai.internal.parse.TikaDocumentParser} bounded by {@link
 * dev.queueworker.ai.internal.parse.ParseLimits}. Not a public API.
 */
package dev.queueworker.ai.internal.parse;
