// The project's Kubernetes and KEDA manifests are valid, and the validator refuses what the API
// server would: each fault below is planted in a copy of a real manifest.
import assert from "node:assert/strict";
import { test } from "node:test";
import { basename } from "node:path";
import { projectManifests, readDocuments, validateDocuments } from "./validate.mjs";

const manifests = readDocuments(projectManifests());
const byKind = (kindKey) => structuredClone(manifests.find((d) => d.kindKey === kindKey));
const errorsOf = (...documents) => validateDocuments(documents);

test("the manifests hold the kinds the docs describe", () => {
  assert.deepEqual(manifests.map((d) => `${basename(d.file)} ${d.kindKey}`).sort(), [
    "deployment.yaml apps/v1 Deployment",
    "keda-scaledobject.yaml keda.sh/v1alpha1 ScaledObject",
    "keda-scaledobject.yaml keda.sh/v1alpha1 TriggerAuthentication",
    "secret.example.yaml v1 Secret",
  ]);
});

for (const file of projectManifests()) {
  test(`${basename(file)} is valid`, () => {
    assert.deepEqual(validateDocuments(manifests.filter((d) => d.file === file)), []);
  });
}

test("an unknown field in a container fails, naming it", () => {
  const d = byKind("apps/v1 Deployment");
  d.data.spec.template.spec.containers[0].imagePullPolcy = "IfNotPresent";
  const errors = errorsOf(d);
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0], /deployment\.yaml \(document 1, apps\/v1 Deployment queue-worker\): .*'"imagePullPolcy"' does not exist in type 'IContainer'/);
});

test("a number given as a string fails", () => {
  const d = byKind("apps/v1 Deployment");
  d.data.spec.template.spec.terminationGracePeriodSeconds = "60";
  assert.match(errorsOf(d).join("\n"), /terminationGracePeriodSeconds must be integer/);
});

test("a bad enum value fails", () => {
  const d = byKind("apps/v1 Deployment");
  d.data.spec.template.spec.containers[0].ports[0].protocol = "HTTP";
  assert.match(errorsOf(d).join("\n"), /protocol/);
});

test("a missing required field fails", () => {
  const d = byKind("apps/v1 Deployment");
  delete d.data.spec.selector;
  assert.match(errorsOf(d).join("\n"), /selector/);
});

test("an unknown field of the ScaledObject fails", () => {
  const d = byKind("keda.sh/v1alpha1 ScaledObject");
  d.data.spec.minReplicaCont = 0;
  assert.match(errorsOf(d).join("\n"), /'"minReplicaCont"' does not exist/);
});

test("a scaler's metadata value must be a string", () => {
  const d = byKind("keda.sh/v1alpha1 ScaledObject");
  d.data.spec.triggers[0].metadata.queueLength = 10;
  assert.match(errorsOf(d).join("\n"), /queueLength|number/);
});

test("a wrong type in the TriggerAuthentication fails", () => {
  const d = byKind("keda.sh/v1alpha1 TriggerAuthentication");
  d.data.spec.secretTargetRef = { parameter: "connection" };
  assert.notDeepEqual(errorsOf(d), []);
});

test("a Secret's stringData holds strings only", () => {
  const d = byKind("v1 Secret");
  d.data.stringData.WORKER_CONCURRENCY = 4;
  assert.notDeepEqual(errorsOf(d), []);
});

test("an unknown kind fails", () => {
  const d = byKind("v1 Secret");
  d.data.kind = "Secrets";
  d.kindKey = "v1 Secrets";
  assert.match(errorsOf(d).join("\n"), /unknown kind 'v1 Secrets'/);
});
