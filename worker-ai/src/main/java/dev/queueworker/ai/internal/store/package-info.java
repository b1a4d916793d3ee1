/**
 * Storage of embedded document chunks: {@link dev.queueworker.ai.internal.store.ChunkStore} with a
 * pgvector implementation ({@link dev.queueworker.ai.internal.store.PgVectorChunkStore}, configured
 * by {@link dev.queueworker.ai.internal.store.DatabaseUrl}) and a file-persisted in-memory one
 * ({@link dev.queueworker.ai.internal.store.FileChunkStore}).
 */
package dev.queueworker.ai.internal.store;
