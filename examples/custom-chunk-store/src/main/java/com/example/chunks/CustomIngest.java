package com.example.chunks;

import dev.langchain4j.data.document.parser.TextDocumentParser;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.IngestHandler;

/**
 * The {@code ingest} handler composed from our parts: our embedding model, our chunk store,
 * LangChain4j's plain-text parser and chunks of 400 characters. Register the result with
 * {@code Worker.builder().handler(...)} like any handler.
 */
public final class CustomIngest {

    private CustomIngest() {
    }

    public static IngestHandler handler(EmbeddingModel model, ChunkStore store) {
        return IngestHandler.builder()
                .embeddingModel(model)
                .chunkStore(store)
                .documentParser(new TextDocumentParser())
                .split(400, 40)
                .clientId("example")
                .build();
    }
}
