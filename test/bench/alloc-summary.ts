/**
 * Sums a sampling heap profile (`node --heap-prof`, or heap-sampling.ts) by package and by
 * function, optionally per request:
 *
 *   node dist/test/bench/alloc-summary.js FILE.heapprofile [--requests=N] [--top=N]
 *
 * A node's selfSize is V8's estimate of the bytes allocated in that frame (its samples
 * scaled by the sampling interval); a frame is `name file:line`, the file cut to what
 * follows `dist/` or `node_modules/`.
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: HeapNode[];
}

export interface AllocSummary {
  totalBytes: number;
  byPackage: Array<[string, number]>;
  byFunction: Array<[string, number]>;
  inclusive: Array<[string, number]>;
}

function shortFile(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.lastIndexOf('dist/');
  if (dist >= 0) return url.slice(dist + 'dist/'.length);
  return url;
}

function packageOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node:';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = url.lastIndexOf('dist/');
  if (dist >= 0)
    return url
      .slice(dist + 'dist/'.length)
      .split('/')
      .slice(0, 2)
      .join('/');
  return url;
}

export function summariseAllocations(head: HeapNode): AllocSummary {
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalBytes = 0;
  const add = (map: Map<string, number>, key: string, bytes: number) => map.set(key, (map.get(key) ?? 0) + bytes);
  const walk = (node: HeapNode, onStack: Set<string>): number => {
    const frame = `${node.callFrame.functionName || '(anonymous)'} ${shortFile(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    totalBytes += node.selfSize;
    add(byPackage, packageOf(node.callFrame.url), node.selfSize);
    add(byFunction, frame, node.selfSize);
    const fresh = !onStack.has(frame);
    if (fresh) onStack.add(frame);
    let below = node.selfSize;
    for (const child of node.children ?? []) below += walk(child, onStack);
    if (fresh) {
      onStack.delete(frame);
      add(inclusive, frame, below);
    }
    return below;
  };
  walk(head, new Set());
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalBytes, byPackage: sorted(byPackage), byFunction: sorted(byFunction), inclusive: sorted(inclusive) };
}

function main(): void {
  const [file, ...flags] = process.argv.slice(2);
  if (!file) throw new Error('usage: alloc-summary.js FILE.heapprofile [--requests=N] [--top=N]');
  const flag = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1];
  const requests = Number(flag('requests') ?? 1);
  const top = Number(flag('top') ?? 40);
  const summary = summariseAllocations((JSON.parse(fs.readFileSync(file, 'utf8')) as { head: HeapNode }).head);
  const unit = requests > 1 ? 'bytes per request' : 'bytes';
  const show = (bytes: number) => `${Math.round(bytes / requests)}`.padStart(10);
  const pct = (bytes: number) => `${((100 * bytes) / summary.totalBytes).toFixed(1)} %`.padStart(8);
  process.stdout.write(`total ${show(summary.totalBytes)} ${unit}\n\nby package:\n`);
  for (const [name, bytes] of summary.byPackage.slice(0, top)) process.stdout.write(`${show(bytes)}${pct(bytes)}  ${name}\n`);
  process.stdout.write('\nby function (self):\n');
  for (const [name, bytes] of summary.byFunction.slice(0, top)) process.stdout.write(`${show(bytes)}${pct(bytes)}  ${name}\n`);
  process.stdout.write('\ninclusive:\n');
  for (const [name, bytes] of summary.inclusive.slice(0, top)) process.stdout.write(`${show(bytes)}${pct(bytes)}  ${name}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
