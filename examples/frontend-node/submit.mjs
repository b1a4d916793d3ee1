// Uploads a document to the worker's blob container and enqueues an `ingest` task for it, as a
// frontend does. Usage:
//   AZURE_STORAGE_CONNECTION_STRING=... CLIENT_ID=southhaven WEBHOOK_URL=https://app.example/hooks \
//     node submit.mjs <file> [document-set]
// Prints the task id; the worker's webhook for the task carries the same `task_id`.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';

export async function submitDocument({
  connectionString,
  clientId = 'default',
  containerName = 'documents',
  file,
  documentSet = 'default',
  webhookUrl,
  base64 = false,
}) {
  const filename = basename(file);

  // 1. The document: the worker reads the blob named by the payload's filename (BLOB_NAME_TEMPLATE
  //    defaults to {filename}).
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName);
  await container.createIfNotExists();
  await container.getBlockBlobClient(filename).uploadFile(file);

  // 2. The task, in the message format of docs/messages.md. task_id is optional (the worker falls
  //    back to the queue's message id), but choosing it lets us match the webhook to the upload.
  const taskId = randomUUID();
  const message = {
    task_id: taskId,
    task_type: 'ingest',
    payload: { filename, document_set: documentSet },
    ...(webhookUrl ? { webhook_url: webhookUrl } : {}), // else the worker's WEBHOOK_URL
  };
  const json = JSON.stringify(message);

  // @azure/storage-queue sends the text as it is (Azure Functions' queue trigger expects Base64
  // instead): the worker accepts both, so encode only when another consumer needs it.
  const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient(`${clientId}-tasks`);
  await queue.createIfNotExists();
  await queue.sendMessage(base64 ? Buffer.from(json, 'utf8').toString('base64') : json);
  return taskId;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, documentSet] = process.argv.slice(2);
  const connectionString = process.env.AZURE_STORAGE_CONNECTION_STRING;
  if (!file || !connectionString) {
    console.error('usage: AZURE_STORAGE_CONNECTION_STRING=... [CLIENT_ID=...] [WEBHOOK_URL=...] node submit.mjs <file> [document-set]');
    process.exit(2);
  }
  const taskId = await submitDocument({
    connectionString,
    clientId: process.env.CLIENT_ID || 'default',
    containerName: process.env.AZURE_STORAGE_CONTAINER_NAME || 'documents',
    file,
    documentSet: documentSet || 'default',
    webhookUrl: process.env.WEBHOOK_URL || undefined,
    base64: process.env.QUEUE_MESSAGE_ENCODING === 'base64',
  });
  console.log(taskId);
}
