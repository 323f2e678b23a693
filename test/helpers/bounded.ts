import { Worker } from 'node:worker_threads';

const RUNNER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url)
  .then((module) => parentPort.postMessage({ ok: true, value: module[workerData.name](...workerData.args) }))
  .catch((error) => parentPort.postMessage({ ok: false, error: String(error && error.stack || error) }));
`;

/**
 * Calls `name`, exported by the built module `module` (a path under dist/, which npm test builds
 * first), with `args` in a worker thread, and resolves with what it returns; rejects when it has not
 * returned within `ms`. A guard against hangs, not a timing claim: a synchronous loop cannot be
 * interrupted in the test's own thread (a vitest timeout fires only after it returns), so the call runs
 * in a thread that can be terminated.
 */
export function callWithin<T>(ms: number, module: string, name: string, ...args: unknown[]): Promise<T> {
  const url = new URL(`../../dist/${module}`, import.meta.url).href;
  const worker = new Worker(RUNNER, { eval: true, workerData: { url, name, args } });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${module} ${name} did not return within ${ms} ms`));
    }, ms);
    worker.once('message', (message: { ok: boolean; value?: T; error?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.ok) resolve(message.value as T);
      else reject(new Error(message.error));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
