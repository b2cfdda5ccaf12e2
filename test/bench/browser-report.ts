/** The browser path's part of the benchmark report: each figure, its ratio, and the target. */
import type { BrowserResults, ColdStart, Side } from './browser-path.js';
import { int, ms, num, ratio } from './format.js';

export const BROWSER_TARGETS = {
  /** Bridge GET /me throughput over gRPC GetMe's, on the same server. */
  meVsGetMe: 0.8,
  /** Bridge /login and /refresh over their gRPC calls: within 10 %. */
  routeVsCall: 0.9,
  /** Our /me over the original service's, p99 no worse. */
  meVsOriginal: 1.0,
  readyMb: 80,
  peakMb: 150,
  coldStartMs: 400,
};

export function browserReport(r: BrowserResults): string[] {
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out('Browser path: node dist/src/main.js (gRPC server + bridge, the bridge calling the handlers in process)');
  out('  h2load: bridge over HTTP/1.1 (N connections, one request each at a time), gRPC over one HTTP/2 connection (N streams)');
  out(`  CPU ms = the server's CPU time (user + system, /proc) over the measured window / requests answered`);
  for (const s of r.setUps) {
    out();
    out(`  ${s.name} set-up`);
    out(row('', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms'));
    const pair = (label: string, bridge: Side, grpc: Side, target: number) => {
      out(row(`    ${label}, bridge`, num(bridge.perSecond), ms(bridge.p50Ms), ms(bridge.p99Ms), ms(bridge.cpuMsPerRequest)));
      out(row(`    ${label}, gRPC`, num(grpc.perSecond), ms(grpc.p50Ms), ms(grpc.p99Ms), ms(grpc.cpuMsPerRequest)));
      const throughput = bridge.perSecond / grpc.perSecond;
      out(row(`    bridge / gRPC`, ratio(throughput), '', '', ratio(bridge.cpuMsPerRequest / grpc.cpuMsPerRequest)));
      out(`    target: throughput >= ${target.toFixed(2)} of gRPC: ${met(throughput >= target)}`);
    };
    pair('GET /me vs GetMe', s.me.bridge, s.me.grpc, BROWSER_TARGETS.meVsGetMe);
    pair('POST /login vs Login', s.login.bridge, s.login.grpc, BROWSER_TARGETS.routeVsCall);
    const { signInPage, signInForm } = s.pages;
    out(row('    GET /sign-in (the page)', num(signInPage.perSecond), ms(signInPage.p50Ms), ms(signInPage.p99Ms), ms(signInPage.cpuMsPerRequest)));
    out(row('    POST /sign-in (the form, 303)', num(signInForm.perSecond), ms(signInForm.p50Ms), ms(signInForm.p99Ms), ms(signInForm.cpuMsPerRequest)));
    const formVsJson = signInForm.perSecond / s.login.bridge.perSecond;
    out(row('    form / POST /login', ratio(formVsJson), '', '', ratio(signInForm.cpuMsPerRequest / s.login.bridge.cpuMsPerRequest)));
    out(`    target: the form signs in within 10 % of POST /login: ${met(formVsJson >= BROWSER_TARGETS.routeVsCall)}`);
    pair('POST /refresh vs RefreshToken', s.refresh.bridge, s.refresh.grpc, BROWSER_TARGETS.routeVsCall);
    out(
      `    the refresh driver used ${Math.round(s.refreshDriverCpu.bridge * 100)} % (bridge) and ${Math.round(s.refreshDriverCpu.grpc * 100)} % (gRPC) of CPU 1` +
        (s.name === 'shared' ? ', the core FerretDB and Redis run on' : ''),
    );
    out(
      `    RSS: ${num(s.memory.readyMb)} MB at ready (target < ${BROWSER_TARGETS.readyMb}: ${met(s.memory.readyMb < BROWSER_TARGETS.readyMb)}), ` +
        `${num(s.memory.peakMb)} MB peak (target < ${BROWSER_TARGETS.peakMb}: ${met(s.memory.peakMb < BROWSER_TARGETS.peakMb)}; ` +
        `high-water mark after the /me, login and refresh phases ${num(s.memory.peakAfter.me)} / ${num(s.memory.peakAfter.login)} / ${num(s.memory.peakAfter.refresh)} MB)`,
    );
    const st = s.storage;
    out(
      `    storage after ${int(st.refreshes)} refreshes: ${int(st.sessions)} sessions, ${int(st.refreshTokens)} refresh tokens` +
        (s.name === 'shared' ? `, ${int(st.rotations)} rotation claims` : '') +
        `, ${int(st.bytes)} bytes (${num(st.refreshTokens / Math.max(1, st.sessions))} tokens per session)`,
    );
  }
  out();
  if (r.coldStarts.length > 0) {
    const median = medianBy(r.coldStarts, (c) => c.totalMs);
    out(
      `  cold start of the embedded default (node dist/src/main.js, bundled) to its first served GET /me (median of ${r.coldStarts.length}: ${r.coldStarts.map((c) => int(c.totalMs)).join(' / ')} ms)`,
    );
    out(
      `    ${int(median.totalMs)} ms = node ${int(median.nodeMs)} + start-up to "wired" ${int(median.wiringMs)} (of which module loading ${int(median.modulesMs)})` +
        ` + to listening ${int(median.listenMs)} + first request ${int(median.firstRequestMs)}`,
    );
    out(`    target < ${BROWSER_TARGETS.coldStartMs} ms: ${met(median.totalMs < BROWSER_TARGETS.coldStartMs)}`);
    if (Array.isArray(r.unbundled) && r.unbundled.length > 0) {
      const unbundled = medianBy(r.unbundled, (c) => c.totalMs);
      out(
        `    the same without the bundle (dist/src/bootstrap/start.js, as with tracing on; alternating runs: ${r.unbundled.map((c) => int(c.totalMs)).join(' / ')} ms): median ${int(unbundled.totalMs)} ms; ` +
          `bundled / unbundled ${ratio(median.totalMs / unbundled.totalMs)}; to "wired" ${int(median.nodeMs + median.wiringMs)} vs ${int(unbundled.nodeMs + unbundled.wiringMs)} ms`,
      );
    } else if (!Array.isArray(r.unbundled)) {
      out(`    unbundled: not measured (${r.unbundled.skipped})`);
    }
  }
  if (r.peer) {
    out();
    if (r.peer.skipped || !r.peer.me || !r.peer.login) {
      out(`  the original Go service (--peer-original): not measured: ${r.peer.skipped ?? 'no figures'}`);
    } else {
      out('  ours vs the original Go service, same FerretDB + Redis, bcrypt cost 10, alternating rounds, HTTP/1.1');
      out(row('', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms'));
      const peerPair = (label: string, ours: Side, peer: Side) => {
        out(row(`    ${label}, ours`, num(ours.perSecond), ms(ours.p50Ms), ms(ours.p99Ms), ms(ours.cpuMsPerRequest)));
        out(row(`    ${label}, original`, num(peer.perSecond), ms(peer.p50Ms), ms(peer.p99Ms), ms(peer.cpuMsPerRequest)));
        out(
          row(
            `    ours / original`,
            ratio(ours.perSecond / peer.perSecond),
            ratio(ours.p50Ms / peer.p50Ms),
            ratio(ours.p99Ms / peer.p99Ms),
            ratio(ours.cpuMsPerRequest / peer.cpuMsPerRequest),
          ),
        );
      };
      peerPair('GET /me', r.peer.me.ours, r.peer.me.peer);
      const meMet = r.peer.me.ours.perSecond >= r.peer.me.peer.perSecond * BROWSER_TARGETS.meVsOriginal && r.peer.me.ours.p99Ms <= r.peer.me.peer.p99Ms;
      out(`    target: /me throughput >= the original's with p99 no worse: ${met(meMet)}`);
      peerPair('POST /login', r.peer.login.ours, r.peer.login.peer);
      if (r.peer.memory) {
        out(
          `    RSS ready / peak: ours ${num(r.peer.memory.ours.readyMb)} / ${num(r.peer.memory.ours.peakMb)} MB, original ${num(r.peer.memory.peer.readyMb)} / ${num(r.peer.memory.peer.peakMb)} MB`,
        );
      }
    }
  }
  return lines;
}

function medianBy(values: ColdStart[], key: (value: ColdStart) => number): ColdStart {
  return [...values].sort((a, b) => key(a) - key(b))[Math.floor(values.length / 2)]!;
}

function row(label: string, a: string, b: string, c: string, d: string): string {
  return `${label.padEnd(40)}${a.padStart(10)}${b.padStart(10)}${c.padStart(10)}${d.padStart(10)}`.trimEnd();
}

function met(met: boolean): string {
  return met ? 'met' : 'NOT met';
}
