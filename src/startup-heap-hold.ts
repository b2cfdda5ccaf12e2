/** Imported first by src/main.ts: the start-up's young generation stays small (src/startup-heap.ts). */
import { youngGenerationSizedByOperator } from './config.js';
import { holdYoungGeneration } from './startup-heap.js';

holdYoungGeneration(youngGenerationSizedByOperator(process.env, process.execArgv));
