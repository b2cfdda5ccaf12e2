import { expect } from 'chai';
import { returnTarget } from '../../../bridge/pages/return-to.js';

const ALLOWED = ['https://app.example.com', 'http://localhost:3000'];
const target = (value: unknown) => returnTarget(value, ALLOWED);

describe('Where a sign-in sends the browser back to (return_to)', () => {
  it('follows a URL on a listed origin, path, query and fragment kept', () => {
    expect(target('https://app.example.com/orders?id=7#top')).to.equal('https://app.example.com/orders?id=7#top');
    expect(target('http://localhost:3000/')).to.equal('http://localhost:3000/');
  });

  it('follows a path on the bridge itself', () => {
    expect(target('/account')).to.equal('/account');
    expect(target('/account/sessions?page=2')).to.equal('/account/sessions?page=2');
  });

  it('refuses every other origin and every trick that leaves the bridge, with null (the caller then uses /account)', () => {
    for (const bad of [
      '//evil.example',
      '//evil.example/account',
      'https://evil.example',
      'https://app.example.com.evil.example/',
      'https://app.example.com@evil.example/',
      'https://evil.example/?https://app.example.com',
      'http://app.example.com/',
      'https://app.example.com:8443/',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/%0a/evil.example',
      ' https://evil.example',
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'https:evil.example',
      'account',
      '',
    ])
      expect(target(bad), JSON.stringify(bad)).to.equal(null);
  });

  it('refuses what is not one string (a repeated or missing parameter)', () => {
    expect(target(undefined)).to.equal(null);
    expect(target(['/account', 'https://evil.example'])).to.equal(null);
  });
});
