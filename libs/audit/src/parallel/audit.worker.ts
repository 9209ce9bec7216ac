// Worker-thread entry of the parallel audit: checks batches as they come.
import { parentPort } from 'node:worker_threads';
import { checkAuditBatch, type AuditBatchRequest } from './audit-batch.js';

parentPort?.on('message', (request: AuditBatchRequest) => {
  const result = checkAuditBatch(request);
  parentPort!.postMessage(result, [result.leafHashes.buffer as ArrayBuffer]);
});
