// Validates Kubernetes manifests against the API's schemas, strictly: an unknown field, a wrong type,
// a missing required field or a bad enum value is an error. Two checks, both from the same schemas:
//  1. kubernetes-models' validate(): JSON Schema (ajv) compiled from Kubernetes' OpenAPI spec and,
//     for KEDA's kinds, from KEDA's Go API types (@kubernetes-models/keda): types, required fields,
//     enums, formats such as int32. These schemas allow unknown fields, as the API server's
//     non-strict decoding would, so:
//  2. the TypeScript compiler checks each document as an object literal typed with the same models'
//     interfaces: an unknown field anywhere is an "excess property" error, as kubectl's
//     --validate=strict (the server's field validation) would report it.
// Usage: node validate.mjs [FILE.yaml ...]   (default: ../../deploy/kubernetes/*.yaml)
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Secret } from "kubernetes-models/v1/Secret";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";

const here = dirname(fileURLToPath(import.meta.url));

/** The kinds the project ships, each with its model (schema) and TypeScript interface. */
const KINDS = {
  "apps/v1 Deployment": { model: Deployment, module: "kubernetes-models/apps/v1/Deployment", type: "IDeployment" },
  "v1 Secret": { model: Secret, module: "kubernetes-models/v1/Secret", type: "ISecret" },
  "keda.sh/v1alpha1 ScaledObject": {
    model: ScaledObject, module: "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject", type: "IScaledObject",
  },
  "keda.sh/v1alpha1 TriggerAuthentication": {
    model: TriggerAuthentication, module: "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication",
    type: "ITriggerAuthentication",
  },
};

/** The documents of YAML files: {file, index, name, kindKey, data, errors}. */
export function readDocuments(files) {
  const documents = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true }).forEach((doc, index) => {
      const errors = doc.errors.map((e) => `YAML: ${e.message}`);
      const data = errors.length ? null : doc.toJS();
      if (data === null && !errors.length) return; // an empty document (a trailing ---)
      documents.push({
        file, index, data, errors,
        name: data?.metadata?.name ?? "?",
        kindKey: data ? `${data.apiVersion} ${data.kind}` : "?",
      });
    });
  }
  return documents;
}

/** Every error of these documents, as "file (document N, Kind name): message" lines; empty when valid. */
export function validateDocuments(documents) {
  const errors = [];
  const label = (d) => `${relative(process.cwd(), d.file)} (document ${d.index + 1}, ${d.kindKey} ${d.name})`;
  const typed = [];
  for (const d of documents) {
    if (d.errors.length) {
      d.errors.forEach((e) => errors.push(`${label(d)}: ${e}`));
      continue;
    }
    const kind = KINDS[d.kindKey];
    if (!kind) {
      errors.push(`${label(d)}: unknown kind '${d.kindKey}' (known: ${Object.keys(KINDS).join(", ")})`);
      continue;
    }
    try {
      new kind.model(d.data).validate();
    } catch (e) {
      errors.push(`${label(d)}: schema: ${e.message}`);
    }
    typed.push({ d, kind });
  }
  errors.push(...excessProperties(typed, label));
  return errors;
}

/** The TypeScript check: each document as a literal of its kind's interface, compiled in a scratch file. */
function excessProperties(typed, label) {
  if (!typed.length) return [];
  const imports = [...new Set(typed.map((t) => `import type { ${t.kind.type} } from "${t.kind.module}";`))];
  const lines = [...imports];
  const ranges = [];
  typed.forEach((t, i) => {
    const start = lines.length;
    lines.push(...`export const doc${i}: ${t.kind.type} = ${JSON.stringify(t.d.data, null, 2)};`.split("\n"));
    ranges.push({ start, end: lines.length, d: t.d });
  });
  // Inside this package, so that the models resolve from its node_modules.
  const dir = mkdtempSync(join(here, ".check-"));
  const file = join(dir, "manifests.mts");
  try {
    writeFileSync(file, lines.join("\n") + "\n");
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
      if (!diagnostic.file || diagnostic.file.fileName !== file) return `TypeScript: ${message}`;
      const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
      const range = ranges.find((r) => line >= r.start && line < r.end);
      const at = lines[line].trim().replace(/,$/, "");
      return range ? `${label(range.d)}: ${message} (at ${at})` : `TypeScript: ${message}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** deploy/kubernetes/*.yaml of the repository. */
export function projectManifests() {
  const dir = resolve(here, "../../deploy/kubernetes");
  return readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort().map((f) => join(dir, f));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => resolve(f)) : projectManifests();
  const documents = readDocuments(files);
  const errors = validateDocuments(documents);
  for (const e of errors) console.error(e);
  console.log(`${documents.length} documents in ${files.map((f) => basename(f)).join(", ")}: `
    + (errors.length ? `${errors.length} errors` : "valid"));
  process.exit(errors.length ? 1 : 0);
}
