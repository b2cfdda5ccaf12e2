/**
 * The password-strength estimator's thread (started by zxcvbn-strength.ts): loads zxcvbn-ts
 * with the built dictionaries, then answers one estimate per message, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { judge, loadEstimator } from './zxcvbn-estimator.js';
import type { StrengthAnswer, StrengthRequest } from './zxcvbn-strength.js';

const port = parentPort;
if (!port) throw new Error('strength-worker.js runs as a worker thread, started by the password-strength adapter');
const estimator = await loadEstimator((workerData as { root: string }).root);
port.on('message', (request: StrengthRequest) => {
  let answer: StrengthAnswer;
  try {
    answer = { id: request.id, estimate: judge(estimator, request.password, request.userInputs) };
  } catch (error) {
    // The message names what failed, never the password.
    answer = { id: request.id, error: error instanceof Error ? error.name : 'unknown error' };
  }
  port.postMessage(answer);
});
