// Against real services: Azurite, the queue-worker daemon (java -jar queue-worker.jar run, with the
// in-process embedding model and the memory vector store) and receiver.mjs. Runs submit.mjs as a
// user would, then waits for the `completed` webhook and checks its signature was verified.
//
// Where things are: AZURITE (default <repo>/.services/node/node_modules/.bin/azurite, installed by
// scripts/setup.sh) and QUEUE_WORKER_JAR (default <repo>/worker-runner/target/queue-worker.jar,
// built by ./mvnw install). A missing one fails the test; it never skips.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, openSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startReceiver } from '../receiver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const example = resolve(here, '..');
const repo = resolve(example, '../..');
const AZURITE = process.env.AZURITE || join(repo, '.services/node/node_modules/.bin/azurite');
const JAR = process.env.QUEUE_WORKER_JAR || join(repo, 'worker-runner/target/queue-worker.jar');
const JAVA = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin/java') : 'java';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const DEADLINE_MS = 120_000;

const work = mkdtempSync(join(tmpdir(), 'frontend-node-'));
const events = [];
let azurite;
let daemon;
let receiver;
let connectionString;

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    }).on('error', fail);
  });
}

function listening(port) {
  return new Promise((ok) => {
    const socket = connect({ port, host: '127.0.0.1' }).on('connect', () => { socket.destroy(); ok(true); })
      .on('error', () => ok(false));
  });
}

async function waitFor(what, condition, child, log) {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (child && child.exitCode !== null) {
      assert.fail(`${what}: the process exited with ${child.exitCode}\n${log ? readFileSync(log, 'utf8') : ''}`);
    }
    if (Date.now() > deadline) {
      assert.fail(`no ${what} within ${DEADLINE_MS} ms\n${log ? readFileSync(log, 'utf8') : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(child) {
  if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode);
  return new Promise((ok) => {
    child.once('exit', (code) => ok(code));
    child.kill('SIGTERM');
  });
}

before(async () => {
  assert.ok(existsSync(AZURITE), `Azurite not found at ${AZURITE}: run ./scripts/setup.sh`);
  assert.ok(existsSync(JAR), `queue-worker.jar not found at ${JAR}: run ./mvnw install`);

  const [blobPort, queuePort] = [await freePort(), await freePort()];
  azurite = spawn(AZURITE, ['--silent', '--skipApiVersionCheck', '--loose', '--location', join(work, 'azurite'),
    '--blobHost', '127.0.0.1', '--blobPort', `${blobPort}`, '--queueHost', '127.0.0.1', '--queuePort', `${queuePort}`,
    '--tableHost', '127.0.0.1', '--tablePort', '0'], { stdio: 'ignore' });
  await waitFor('Azurite listening', async () => (await listening(blobPort)) && (await listening(queuePort)), azurite);
  connectionString = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;'
    + `AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${blobPort}/devstoreaccount1;`
    + `QueueEndpoint=http://127.0.0.1:${queuePort}/devstoreaccount1;`;

  receiver = await startReceiver({ secret: SECRET, onEvent: (e) => events.push(e) });

  const log = join(work, 'queue-worker.log');
  daemon = spawn(JAVA, ['-Xmx384m', '-jar', JAR, 'run'], {
    cwd: work,
    stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      QUEUE_PROVIDER: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: connectionString,
      CLIENT_ID: 'frontend',
      WEBHOOK_SECRET: SECRET,
      WORKER_TASK_TYPES: 'ingest',
      EMBEDDING_PROVIDER: 'local',
      VECTOR_STORE: 'memory',
      WORKER_DATA_DIR: join(work, 'data'),
      WORKER_POLLING_INTERVAL: '1s',
    },
  });
  daemon.log = log;
  await waitFor('"queue-worker ready" from the daemon', () => readFileSync(log, 'utf8').includes('queue-worker ready'),
    daemon, log);
});

after(async () => {
  await stop(daemon);
  await stop(azurite);
  await receiver?.close();
  rmSync(work, { recursive: true, force: true });
});

test('submit.mjs uploads and enqueues; the worker ingests and sends a signed completed webhook', { timeout: DEADLINE_MS * 2 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(example, 'submit.mjs'),
    join(example, 'sample/harbour-notes.txt'), 'harbour'], {
    env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: connectionString, CLIENT_ID: 'frontend', WEBHOOK_URL: receiver.url },
  });
  const taskId = stdout.trim();
  assert.match(taskId, /^[0-9a-f-]{36}$/);

  await waitFor(`a webhook for task ${taskId}`, () => events.some((e) => e.event.task_id === taskId), daemon, daemon.log);
  const { id, event } = events.find((e) => e.event.task_id === taskId);
  // Only verified events reach onEvent: the signature was checked by standardwebhooks.
  assert.match(id, /.+/);
  assert.equal(event.status, 'completed');
  assert.equal(event.task_type, 'ingest');
  assert.equal(event.client_id, 'frontend');
  assert.equal(event.error, null);
  assert.equal(event.result.filename, 'harbour-notes.txt');
  assert.equal(event.result.document_set, 'harbour');
  assert.ok(event.result.chunks > 0, `chunks: ${event.result.chunks}`);
});

test('a Base64 message is read too', { timeout: DEADLINE_MS * 2 }, async () => {
  const { submitDocument } = await import('../submit.mjs');
  const taskId = await submitDocument({ connectionString, clientId: 'frontend', file: join(example, 'sample/harbour-notes.txt'),
    documentSet: 'harbour-b64', webhookUrl: receiver.url, base64: true });

  await waitFor(`a webhook for task ${taskId}`, () => events.some((e) => e.event.task_id === taskId), daemon, daemon.log);
  assert.equal(events.find((e) => e.event.task_id === taskId).event.status, 'completed');
});

test('the receiver refuses a body that does not match its signature', async () => {
  const body = JSON.stringify({ task_id: 'forged', status: 'completed' });
  const forged = await fetch(receiver.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': `${Math.floor(Date.now() / 1000)}`,
      'webhook-signature': 'v1,bm90IGEgc2lnbmF0dXJl' },
    body,
  });
  assert.equal(forged.status, 400);
  assert.ok(!events.some((e) => e.event.task_id === 'forged'));
});
