import { expect } from 'chai';
import { packageOf, summarise } from '../../bench/cpu-profile-summary.js';

describe('The CPU profile summary (bench tool)', () => {
  it('names the package of a frame: a node_modules package (scoped too), a Node built-in, our dist folder', () => {
    expect(packageOf('file:///app/node_modules/oidc-provider/lib/actions/token.js', 'x')).to.equal('oidc-provider');
    expect(packageOf('file:///app/node_modules/@koa/router/dist/index.mjs', 'x')).to.equal('@koa/router');
    expect(packageOf('node:internal/crypto/sig', 'signOneShot')).to.equal('node:internal');
    expect(packageOf('file:///app/dist/bridge/oidc/provider-clients.js', 'x')).to.equal('ours:bridge/oidc');
    expect(packageOf('', '(garbage collector)')).to.equal('(garbage collector)');
  });

  it('shares the busy self time among packages and functions, leaving idle time and module loading out', () => {
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
    const lines = summarise(
      {
        nodes: [
          frame(1, '(root)', ''),
          frame(2, '(idle)', ''),
          frame(3, 'sign', 'node:internal/crypto/sig'),
          frame(4, 'find', 'file:///app/node_modules/oidc-provider/lib/models/client.js'),
          frame(5, 'compile', 'node:internal/modules/esm/utils'),
        ],
        samples: [2, 3, 4, 4, 4, 5],
        timeDeltas: [500, 100, 100, 100, 100, 900],
      },
      10,
    );
    expect(lines[0]).to.equal('busy 0.00 s');
    expect(lines).to.include(' 75.0 %  oidc-provider');
    expect(lines).to.include(' 25.0 %  node:internal');
    expect(lines.join('\n')).to.not.match(/idle|compile/);
  });
});
