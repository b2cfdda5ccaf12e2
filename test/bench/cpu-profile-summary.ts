/**
 * Where a V8 CPU profile's time went (`node dist/test/bench/cpu-profile-summary.js FILE.cpuprofile [N]`):
 * self time by package (a node_modules package, a Node built-in, or our dist/ folder) and
 * by function, the top N of each (30 by default), as shares of the busy time. Idle time
 * and module loading are left out, so a profile of a start followed by load reads as the
 * load. For `npm run bench -- --cpu-prof` (the profiles land in .cache/bench-profiles/).
 */
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const LOADING = /node:internal\/modules\/|node:internal\/bootstrap\//;

/** The package a frame's script belongs to: `koa`, `@koa/router`, `node:net`, `ours:bridge/oidc`, or the native frame's name. */
export function packageOf(url: string, functionName: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return `node:${url.slice('node:'.length).split('/')[0]}`;
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return `ours:${url
      .slice(dist + '/dist/'.length)
      .split('/')
      .slice(0, 2)
      .join('/')}`;
  return functionName === '' ? '(native)' : functionName;
}

export function summarise(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || LOADING.test(url)) continue;
    busy += us;
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '')}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const table = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)} %  ${name}`);
  return [`busy ${(busy / 1e6).toFixed(2)} s`, '', 'self time by package', ...table(packages), '', 'self time by function', ...table(functions)];
}

const file = process.argv[2];
if (file !== undefined && process.argv[1]?.endsWith('cpu-profile-summary.js')) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${summarise(profile, Number(process.argv[3] ?? 30)).join('\n')}\n`);
}
