import { Metadata } from '@grpc/grpc-js';
import { translations } from '@zxcvbn-ts/language-en';
import { expect } from 'chai';
import { localeOf } from '../../../bridge/messages/catalogue.js';
import { strengthAdviceEn } from '../../../bridge/messages/strength-advice-en.js';
import { failureMessage, pageFailureOf } from '../../../bridge/pages/page-failure.js';
import { DomainError } from '../../../src/domain/kernel/errors.js';
import { toServiceError } from '../../../src/transport/grpc/status-mapping.js';
import { recordingLogger } from '../../support/server.js';

/** PASSWORD_TOO_WEAK as the service sends it (src/domain/abuse/password-strength.ts words the message). */
function tooWeak(message: string) {
  const mapped = toServiceError(new DomainError('PASSWORD_TOO_WEAK', message, 'password'), recordingLogger([]), 'RegisterUser');
  return Object.assign(new Error(mapped.details), { ...mapped, metadata: mapped.metadata ?? new Metadata() });
}

describe("The estimator's advice on a page", () => {
  it('has the English advice exactly as zxcvbn-ts words it, so it is found in the service message', () => {
    expect(strengthAdviceEn.warnings).to.deep.equal(translations.warnings);
    expect(strengthAdviceEn.suggestions).to.deep.equal(translations.suggestions);
  });

  it('says a too-weak password with the advice the service gave, in the reader language and order', () => {
    const failure = pageFailureOf(
      tooWeak('password is too easy to guess. Straight rows of keys on your keyboard are easy to guess. Use multiple words, but avoid common phrases.'),
    );
    expect(failure).to.include({ status: 400, reason: 'PASSWORD_TOO_WEAK', field: 'password' });
    expect(failureMessage(localeOf('en'), failure)).to.equal(
      'This password is too easy to guess. Straight rows of keys on your keyboard are easy to guess. Use multiple words, but avoid common phrases.',
    );
    expect(failureMessage(localeOf('de'), failure)).to.equal(
      'Dieses Passwort ist zu leicht zu erraten. Gerade Tastenreihen Ihrer Tastatur sind leicht zu erraten. Verwenden Sie mehrere Wörter, aber keine gängigen Redewendungen.',
    );
  });

  it('says a too-weak password plainly when the service gave no advice it knows', () => {
    const failure = pageFailureOf(tooWeak('password is too easy to guess. Some sentence a later zxcvbn-ts wrote.'));
    expect(failureMessage(localeOf('de'), failure)).to.equal('Dieses Passwort ist zu leicht zu erraten.');
  });
});
