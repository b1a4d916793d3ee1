package dev.queueworker.ai.internal.summarize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** TextRank: how central each sentence of a window is, from the similarity of its words to the others'. */
final class TextRank {
    private static final double DAMPING = 0.85;
    private static final int MAX_ITERATIONS = 200;
    private static final double CONVERGED = 1e-10;

    private TextRank() {
    }

    /**
     * PageRank over the TF-IDF cosine similarity graph of {@code sentences}; scores sum to 1.
     *
     * <p>Every sentence's edge weights are divided by the largest weighted degree of the graph, not
     * by its own: a sentence only loosely tied to the rest (a digression whose two sentences share
     * one word) passes most of its score to the random jump instead of concentrating it on its few
     * neighbours, so an isolated cluster cannot rank as high as the main topic.
     */
    static double[] rank(List<Sentence> sentences) {
        int n = sentences.size();
        double[][] similarity = similarities(sentences);
        double[] degree = new double[n];
        double maxDegree = 0;
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += similarity[j][k];
            }
            degree[j] = sum;
            maxDegree = Math.max(maxDegree, sum);
        }
        double[] score = new double[n];
        Arrays.fill(score, 1.0 / n);
        if (maxDegree == 0) {
            return score; // no two sentences share a word: all equal, document order decides
        }
        double[] next = new double[n];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double unspent = 0; // the part of each score not passed along edges: spread evenly
            for (int j = 0; j < n; j++) {
                unspent += score[j] * (1 - degree[j] / maxDegree);
            }
            double base = (1 - DAMPING) / n + DAMPING * unspent / n;
            Arrays.fill(next, base);
            for (int j = 0; j < n; j++) {
                if (degree[j] == 0) {
                    continue;
                }
                double share = DAMPING * score[j] / maxDegree;
                double[] row = similarity[j];
                for (int i = 0; i < n; i++) {
                    if (row[i] != 0) {
                        next[i] += share * row[i];
                    }
                }
            }
            double change = 0;
            for (int i = 0; i < n; i++) {
                change += Math.abs(next[i] - score[i]);
            }
            double[] swap = score;
            score = next;
            next = swap;
            if (change < CONVERGED) {
                break;
            }
        }
        return score;
    }

    private static double[][] similarities(List<Sentence> sentences) {
        int n = sentences.size();
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (Sentence sentence : sentences) {
            for (String term : sentence.terms().keySet()) {
                documentFrequency.merge(term, 1, Integer::sum);
            }
        }
        // Postings of normalised TF-IDF weights, in sentence order for a deterministic sum order.
        Map<String, List<double[]>> postings = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, Integer> terms = sentences.get(i).terms();
            Map<String, Double> weights = new HashMap<>();
            double norm = 0;
            for (Map.Entry<String, Integer> term : terms.entrySet()) {
                double idf = Math.log((n + 1.0) / (documentFrequency.get(term.getKey()) + 1.0)) + 1;
                double weight = (1 + Math.log(term.getValue())) * idf;
                weights.put(term.getKey(), weight);
                norm += weight * weight;
            }
            double length = Math.sqrt(norm);
            for (Map.Entry<String, Double> weight : weights.entrySet()) {
                postings.computeIfAbsent(weight.getKey(), k -> new ArrayList<>())
                        .add(new double[] {i, weight.getValue() / length});
            }
        }
        double[][] similarity = new double[n][n];
        List<String> terms = postings.keySet().stream().sorted().collect(Collectors.toList());
        for (String term : terms) {
            List<double[]> list = postings.get(term);
            for (int a = 0; a < list.size(); a++) {
                int i = (int) list.get(a)[0];
                double wi = list.get(a)[1];
                for (int b = a + 1; b < list.size(); b++) {
                    int j = (int) list.get(b)[0];
                    double product = wi * list.get(b)[1];
                    similarity[i][j] += product;
                    similarity[j][i] += product;
                }
            }
        }
        return similarity;
    }

}
