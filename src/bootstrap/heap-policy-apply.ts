/** Imported first by src/main.ts: the heap policy (src/bootstrap/heap-policy.ts) applies before the other modules load. */
import { operatorHeapFlags } from '../config/heap.js';
import { applyHeapPolicy } from './heap-policy.js';

applyHeapPolicy(operatorHeapFlags(process.env, process.execArgv));
