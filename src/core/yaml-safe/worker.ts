/**
 * The worker thread of the YAML pool (pool.ts): one request at a time, answered with the
 * plain-data result of read.ts. A throw here is a bug; it is answered rather than left to
 * kill the thread, so the caller learns what it was.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../caught.js';
import { readYamlDocuments, readYamlText } from './read.js';
import type { WorkerReply, WorkerRequest } from './pool.js';

const port = parentPort;
if (!port) throw new Error('yaml-safe/worker.js runs only as a worker thread');

port.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = req.mode === 'documents'
      ? { ok: true, result: readYamlDocuments(req.text, req.limits, req.wideMapsFrom) }
      : { ok: true, result: readYamlText(req.text, req.limits) };
  } catch (err) {
    reply = { ok: false, error: errorMessage(err) };
  }
  port.postMessage(reply);
});
