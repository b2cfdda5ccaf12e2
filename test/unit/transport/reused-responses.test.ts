import { expect } from 'chai';
import { ValidateTokenResponse } from '../../../gen/clientauth/v1/client_auth.js';
import { ReusedResponses } from '../../../src/transport/grpc/reused-responses.js';

describe('ReusedResponses (answers kept beside the principal a token proves)', () => {
  let builds = 0;
  let encodings = 0;
  const responses = () =>
    new ReusedResponses(
      (key: { clientId: string }): ValidateTokenResponse => {
        builds += 1;
        return { clientId: key.clientId, kind: 1, groups: ['user'], sessionId: 's1', expireTime: new Date(2030, 0, 1), amr: ['pwd'] };
      },
      (response: ValidateTokenResponse) => {
        encodings += 1;
        return Buffer.from(ValidateTokenResponse.encode(response).finish());
      },
    );
  beforeEach(() => {
    builds = 0;
    encodings = 0;
  });

  it('builds and encodes the answer for a key once, and gives the same frozen answer and bytes after', () => {
    const kept = responses();
    const key = { clientId: 'c1' };
    const answer = kept.of(key);
    expect(kept.of(key)).to.equal(answer);
    expect(Object.isFrozen(answer)).to.equal(true);
    const bytes = kept.serialize(answer);
    expect(kept.serialize(answer)).to.equal(bytes);
    expect([builds, encodings]).to.deep.equal([1, 1]);
    expect(ValidateTokenResponse.decode(bytes)).to.deep.equal(answer);
  });

  it('keeps answers apart by key, and encodes an answer it did not build at each call', () => {
    const kept = responses();
    expect(kept.of({ clientId: 'a' }).clientId).to.equal('a');
    expect(kept.of({ clientId: 'b' }).clientId).to.equal('b');
    const other: ValidateTokenResponse = { clientId: 'other', kind: 2, groups: [], sessionId: '', expireTime: undefined, amr: [] };
    encodings = 0;
    expect(ValidateTokenResponse.decode(kept.serialize(other))).to.deep.equal(other);
    kept.serialize(other);
    expect(encodings).to.equal(2);
  });
});
