// A minimal webhook receiver: verifies the Standard Webhooks signature of each POST with the worker's
// WEBHOOK_SECRET, answers 204, and hands the verified event on. Usage:
//   WEBHOOK_SECRET=whsec_... PORT=8080 node receiver.mjs
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';

const MAX_BODY_BYTES = 1024 * 1024;

export function startReceiver({ secret, port = 0, host = '127.0.0.1', onEvent = () => {} }) {
  const webhook = new Webhook(secret); // takes the whsec_ form as the worker does
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      // Verify the raw bytes, before any JSON parsing: the signature covers id.timestamp.body. verify()
      // also rejects timestamps more than five minutes off, so a captured request cannot be replayed later.
      const body = Buffer.concat(chunks).toString('utf8');
      let event;
      try {
        event = webhook.verify(body, req.headers);
      } catch {
        res.writeHead(400).end('invalid signature\n');
        return;
      }
      // webhook-id is the same for every delivery of one task outcome: a real receiver stores it and
      // ignores repeats, since delivery is at least once.
      onEvent({ id: req.headers['webhook-id'], path: req.url, event });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ server, url: `http://${host}:${actual}/webhooks`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret) {
    console.error('usage: WEBHOOK_SECRET=whsec_... [PORT=8080] node receiver.mjs');
    process.exit(2);
  }
  const { url } = await startReceiver({
    secret,
    port: Number(process.env.PORT || 8080),
    onEvent: ({ id, event }) => console.log(`${id} ${event.task_id} ${event.task_type} ${event.status}`,
      JSON.stringify(event.status === 'completed' ? event.result : event.error)),
  });
  console.log(`listening on ${url}`);
}
