// Worker-thread entry of the parallel verifier: checks batches as they come.
import { parentPort } from 'node:worker_threads';
import { checkBatch, type BatchRequest } from './batch-check.js';

parentPort?.on('message', (request: BatchRequest) => {
  const result = checkBatch(request);
  const transfer = [result.leafHashes.buffer as ArrayBuffer];
  parentPort!.postMessage(result, transfer);
});
