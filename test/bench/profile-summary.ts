/**
 * Sums a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof`) by package
 * and by function, so a profile of the server under load reads in a few lines:
 *
 *   node dist/test/bench/profile-summary.js FILE.cpuprofile [--under=REGEX] [--top=N]
 *
 * Self time by package (the bundle's chunks, node: modules, native), by function, and the
 * inclusive time of the functions on the stacks; with `--under=REGEX` only the samples
 * below a frame whose `name file:line` matches (`--under='^refresh '`: one use case), with
 * the frames called straight from it. A frame is `name file:line:column`, the file cut to
 * what follows `dist/` or `node_modules/`; a bundle chunk's packages are in its `.map`.
 *
 * V8 stamps each sample with the wall time since the one before, so on a loaded machine a
 * frame the thread was descheduled in is counted for the time it waited: read the shares of
 * busy time, not the milliseconds, and the CPU per request from /proc (the bench does).
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Only the samples under `under` when it is given. */
  sampledMs: number;
  byPackage: Array<[string, number]>;
  byFunction: Array<[string, number]>;
  inclusive: Array<[string, number]>;
  /** The frames called straight from the `under` frame. */
  children: Array<[string, number]>;
}

const IDLE = '(idle)';

export function summarise(profile: CpuProfile, under?: RegExp): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const microsById = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    microsById.set(id, (microsById.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });

  const totals = { total: 0, idle: 0, sampled: 0 };
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const children = new Map<string, number>();
  const add = (into: Map<string, number>, key: string, micros: number) => into.set(key, (into.get(key) ?? 0) + micros);

  for (const [id, micros] of microsById) {
    const frame = byId.get(id)!.callFrame;
    totals.total += micros;
    if (frame.functionName === IDLE) {
      totals.idle += micros;
      continue;
    }
    const stack: number[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) stack.push(at);
    const top = under ? stack.findIndex((frameId) => under.test(frameName(byId.get(frameId)!))) : stack.length;
    if (top < 0) continue;
    totals.sampled += micros;
    add(packages, packageOf(frame.url), micros);
    add(functions, frameName(byId.get(id)!), micros);
    if (under) add(children, top === 0 ? '(self)' : frameName(byId.get(stack[top - 1]!)!), micros);
    for (const name of new Set(stack.slice(0, top).map((frameId) => frameName(byId.get(frameId)!)))) add(inclusive, name, micros);
  }
  const ms = (entries: Map<string, number>) => [...entries].map(([key, micros]): [string, number] => [key, micros / 1000]).sort((a, b) => b[1] - a[1]);
  return {
    totalMs: totals.total / 1000,
    idleMs: totals.idle / 1000,
    sampledMs: totals.sampled / 1000,
    byPackage: ms(packages),
    byFunction: ms(functions),
    inclusive: ms(inclusive),
    children: ms(children),
  };
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber}:${columnNumber}`;
}

function shortUrl(url: string): string {
  return url.replace(/^.*\/(dist|node_modules)\//, '');
}

/** The package a frame's code belongs to: an npm package, a node: module, a bundle chunk or our own file. */
function packageOf(url: string): string {
  if (url === '') return '(native)';
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (npm) return npm[1]!;
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return shortUrl(url);
}

function lines(title: string, entries: Array<[string, number]>, of: number, top: number): string[] {
  return [title, ...entries.slice(0, top).map(([key, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / of).toFixed(1).padStart(5)} %  ${key}`)];
}

function main(argv: string[]): void {
  const file = argv.find((arg) => !arg.startsWith('--'));
  if (!file) throw new Error('usage: profile-summary.js FILE.cpuprofile [--under=REGEX] [--top=N]');
  const option = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const under = option('under');
  const top = Number(option('top') ?? 25);
  const summary = summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, under === undefined ? undefined : new RegExp(under));
  const busy = summary.totalMs - summary.idleMs;
  const of = under === undefined ? busy : summary.sampledMs;
  const out = [
    `${file}: ${summary.totalMs.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy` +
      (under === undefined ? '' : `, ${summary.sampledMs.toFixed(0)} ms under /${under}/ (${((100 * summary.sampledMs) / busy).toFixed(1)} % of busy)`),
    `shares below are of ${under === undefined ? 'the busy time (idle left out)' : `the time under /${under}/`}`,
    ...lines('self, by package', summary.byPackage, of, top),
    ...(under === undefined ? [] : lines('called from the matched frame', summary.children, of, top)),
    ...lines('self, by function', summary.byFunction, of, top),
    ...lines('inclusive', summary.inclusive, of, top),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

// Run as a script; imported (by its test), it only exports `summarise`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
