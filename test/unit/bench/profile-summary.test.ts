import { expect } from 'chai';
import { type CpuProfile, summarise } from '../../bench/profile-summary.js';

/**
 * docs/benchmarks.md reads a shared path's CPU off `profile-summary.js`: each sample counted
 * once for the frame it was taken in (self), once for every distinct frame on its stack
 * (inclusive), idle time apart, and `--under` keeping only the samples below one frame.
 */
describe('The CPU profile summary the benchmarks page reads', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
    id,
    callFrame: { functionName, url, lineNumber: id, columnNumber: 0 },
    children,
  });
  // root -> refresh -> findOne (mongodb) and -> seal (node:crypto); root -> (idle); root -> (garbage collector)
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', '', [2, 5, 6]),
      frame(2, 'refresh', 'file:///srv/dist/bundle/chunk-A.js', [3, 4]),
      frame(3, 'findOne', 'file:///srv/node_modules/mongodb/lib/collection.js'),
      frame(4, 'hkdfSync', 'node:internal/crypto/hkdf'),
      frame(5, '(idle)', ''),
      frame(6, '(garbage collector)', ''),
    ],
    samples: [3, 3, 4, 2, 5, 5, 6],
    timeDeltas: [1000, 1000, 1000, 1000, 4000, 4000, 1000],
  };

  it('sums self time by package and by function, leaving idle time out', () => {
    const summary = summarise(profile);
    expect(summary.totalMs).to.equal(13);
    expect(summary.idleMs).to.equal(8);
    expect(Object.fromEntries(summary.byPackage)).to.deep.equal({ mongodb: 2, 'node:internal': 1, 'bundle/chunk-A.js': 1, '(native)': 1 });
    expect(summary.byFunction[0]).to.deep.equal(['findOne mongodb/lib/collection.js:3:0', 2]);
  });

  it('counts a frame inclusively for every sample taken on its stack', () => {
    const inclusive = Object.fromEntries(summarise(profile).inclusive);
    expect(inclusive['refresh bundle/chunk-A.js:2:0']).to.equal(4);
    expect(inclusive['(root) :1:0']).to.equal(5);
  });

  it('keeps, under a frame, only its samples, and names the frames it called', () => {
    const summary = summarise(profile, /^refresh /);
    expect(summary.sampledMs).to.equal(4);
    expect(Object.fromEntries(summary.children)).to.deep.equal({
      'findOne mongodb/lib/collection.js:3:0': 2,
      'hkdfSync node:internal/crypto/hkdf:4:0': 1,
      '(self)': 1,
    });
    expect(Object.keys(Object.fromEntries(summary.inclusive))).to.not.include('(root) :1:0');
  });
});
