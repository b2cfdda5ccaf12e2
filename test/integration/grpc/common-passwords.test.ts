import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { commonPasswordList } from '../../../src/adapters/password-lists/common-password-file.js';
import { commonPasswordWords } from '../../../src/build/zxcvbn-dictionaries.js';
import { CommonPasswordBlocklist, foldPassword, SortedWords } from '../../../src/domain/abuse/password-blocklist.js';
import { freshEmail, PASSWORD, registerUser } from '../../support/attacks.js';
import { failure, SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';

const COMMON = ['password', 'PassWord', '        ', 'qwertyuiop', 'iloveyou', 'baseball1', 'Ｐａｓｓｗｏｒｄ', 'aaaaaaaaaa'];

describe('The common-password blocklist', () => {
  // As the service builds it: from the list the build wrote into dist/.
  const blocklist = new CommonPasswordBlocklist(() => commonPasswordList());

  it('holds at least 100,000 entries', () => {
    expect(blocklist.size).to.be.at.least(100_000);
  });

  it('holds exactly the words of the dictionary packages, folded as passwords are compared', () => {
    const words = commonPasswordWords();
    const folded = new Set(words.map(foldPassword));
    expect(blocklist.size).to.equal(folded.size);
    const list = commonPasswordList();
    for (let i = 0; i < words.length; i += 97) expect(list.has(foldPassword(words[i]!)), words[i]).to.equal(true);
    expect(list.has('a passphrase no dictionary holds 7f3e')).to.equal(false);
  });

  it('checks a password in well under a millisecond', () => {
    const started = process.hrtime.bigint();
    const rounds = 10_000;
    for (let i = 0; i < rounds; i++) {
      try {
        blocklist.check('password', `unusual passphrase ${i}`, 'someone@example.com');
      } catch {
        // only the timing matters here
      }
    }
    const perCheckMs = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
    expect(perCheckMs).to.be.below(1);
  });
});

describe('SortedWords.fromLines: the built list read as it is', () => {
  it('finds each line and nothing between them', () => {
    const list = SortedWords.fromLines('apple\nbanana\ncherry');
    expect(list.size).to.equal(3);
    for (const word of ['apple', 'banana', 'cherry']) expect(list.has(word), word).to.equal(true);
    for (const word of ['', 'app', 'applebanana', 'banana\n', 'cherryx', 'zebra']) expect(list.has(word), word).to.equal(false);
    expect(SortedWords.fromLines('').size).to.equal(0);
  });

  it('refuses lines out of order or repeated, which a binary search would miss', () => {
    expect(() => SortedWords.fromLines('banana\napple')).to.throw('out of order or repeated at line 2');
    expect(() => SortedWords.fromLines('apple\nbanana\nbanana')).to.throw('at line 3');
    expect(() => SortedWords.fromLines('apple\napple2\napple')).to.throw('at line 3');
  });
});

for (const setup of SETUPS)
  describe(`Common and guessable passwords are refused (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let server: TestServer;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'common_passwords'));
    });
    after(async () => server?.close());

    const register = (email: string, password: string) =>
      server.api.registerUser({ email, password, firstName: '', lastName: '', phoneNumber: '', attributes: {} });

    for (const password of COMMON) {
      it(`refuses to register with ${JSON.stringify(password)}: INVALID_ARGUMENT / PASSWORD_TOO_COMMON, nothing stored`, async () => {
        const email = freshEmail('common');
        expect(await failure(register(email, password))).to.include({ code: status.INVALID_ARGUMENT, reason: 'PASSWORD_TOO_COMMON', field: 'password' });
        expect(await server.store.countClients({ email })).to.equal(0);
      });
    }

    it("refuses the email's local part, in any case, as the password", async () => {
      const email = `Marguerite.Yourcenar${Date.now()}@example.com`.toLowerCase();
      const local = email.split('@')[0]!;
      expect(await failure(register(email, local.toUpperCase()))).to.include({ reason: 'PASSWORD_TOO_COMMON' });
    });

    it('refuses a common new password on ChangePassword and keeps the old one', async () => {
      const email = freshEmail('changer');
      await registerUser(server.api, email);
      const token = (await server.api.login({ email, password: PASSWORD })).accessToken;
      const refused = await failure(server.api.changePassword({ currentPassword: PASSWORD, newPassword: 'letmein1' }, { token }));
      expect(refused).to.include({ code: status.INVALID_ARGUMENT, reason: 'PASSWORD_TOO_COMMON', field: 'new_password' });
      expect((await server.api.login({ email, password: PASSWORD })).client!.email).to.equal(email);
    });
  });
