import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { youngGenerationSizedByOperator } from '../../src/config.js';

const MODULE = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/startup-heap.js')).href;

/**
 * Runs a child node that allocates 200 MB of short-lived objects before and after
 * `startupDone()` (from a second copy of the module, as the bundle has), and prints its
 * young generation's size (MB) at each point.
 */
function youngGenerationSizes(sizedByOperator: boolean): { held: boolean; start: number; whileHeld: number; afterDone: number } {
  const script = `
    import v8 from 'node:v8';
    const { holdYoungGeneration } = await import(${JSON.stringify(MODULE)});
    const { startupDone } = await import(${JSON.stringify(`${MODULE}?copy`)});
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const start = size();
    const held = holdYoungGeneration(${sizedByOperator});
    // Each round keeps a batch alive across a scavenge or two, as loading modules does.
    const churn = () => { let keep = []; for (let i = 0; i < 2_000_000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 50_000) keep = []; } return keep.length; };
    churn();
    const whileHeld = size();
    startupDone();
    churn();
    console.log(JSON.stringify({ held, start, whileHeld, afterDone: size() }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(run.status, run.stderr).to.equal(0);
  return JSON.parse(run.stdout);
}

describe('the young generation during start-up (src/startup-heap.ts)', () => {
  it('does not grow while the start holds it, and grows again once the start is done', () => {
    const sizes = youngGenerationSizes(false);
    expect(sizes.held).to.equal(true);
    // The same churn takes an unheld young generation from 1 to 16 MB (the next test).
    expect(sizes.whileHeld).to.be.at.most(2);
    expect(sizes.afterDone).to.be.above(sizes.whileHeld * 2);
  });

  it('leaves the young generation alone when the operator sizes it', () => {
    const sizes = youngGenerationSizes(true);
    expect(sizes.held).to.equal(false);
    expect(sizes.whileHeld).to.be.above(4);
  });

  it('takes the operator\'s sizing from the command line or NODE_OPTIONS, and nothing else', () => {
    expect(youngGenerationSizedByOperator({}, ['--max-semi-space-size=8'])).to.equal(true);
    expect(youngGenerationSizedByOperator({}, ['--semi_space_growth_factor=4'])).to.equal(true);
    expect(youngGenerationSizedByOperator({ NODE_OPTIONS: '--enable-source-maps --min-semi-space-size=4' }, [])).to.equal(true);
    expect(youngGenerationSizedByOperator({ NODE_OPTIONS: '--max-old-space-size=512' }, ['--enable-source-maps'])).to.equal(false);
  });
});
