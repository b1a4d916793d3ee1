package com.example.chunks;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.List;
import java.util.Locale;

/**
 * An embedding model of our own: each word adds one to a bucket chosen by its hash. It stands in
 * for any LangChain4j {@link EmbeddingModel} an application already has (a hosted API, a local ONNX
 * model); the ingest handler only calls {@link #embedAll}, {@link #dimension} and {@link #modelName}.
 */
public final class WordHashEmbeddingModel implements EmbeddingModel {

    public static final int DIMENSION = 32;

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        return Response.from(segments.stream().map(s -> embed(s.text())).map(Response::content).toList());
    }

    @Override
    public Response<Embedding> embed(String text) {
        float[] vector = new float[DIMENSION];
        for (String word : text.toLowerCase(Locale.ROOT).split("\\W+")) {
            if (!word.isEmpty()) {
                vector[Math.floorMod(word.hashCode(), DIMENSION)] += 1f;
            }
        }
        vector[0] += 0.001f; // never the zero vector
        return Response.from(Embedding.from(vector));
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public String modelName() {
        return "word-hash-32";
    }
}
