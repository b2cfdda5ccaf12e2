import { expect } from 'chai';
import { LANGUAGES, localeOf, negotiateLocale } from '../../../bridge/messages/catalogue.js';

/** Every message of a catalogue, by its dotted key; functions are called with a marker. */
function flatten(messages: object, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const name = `${prefix}${key}`;
    if (typeof value === 'string') flat.set(name, value);
    else if (typeof value === 'function') flat.set(name, (value as (marker: string) => string)('⟨param⟩'));
    else for (const [inner, text] of flatten(value as object, `${name}.`)) flat.set(inner, text);
  }
  return flat;
}

/** What Koa's ctx.acceptsLanguages answers for a header, through the same negotiator. */
function acceptsFor(header: string) {
  return (...offered: string[]): string | false => {
    const wanted = header
      .split(',')
      .map((part) => part.trim().split(';q='))
      .filter(([tag]) => tag !== '')
      .sort((a, b) => Number(b[1] ?? 1) - Number(a[1] ?? 1))
      .map(([tag]) => tag!.toLowerCase());
    for (const tag of wanted) {
      const found = offered.find((lang) => tag === lang || tag.startsWith(`${lang}-`) || tag === '*');
      if (found) return found;
    }
    return header === '' ? offered[0]! : false;
  };
}

describe('The message catalogue of the pages', () => {
  const english = flatten(LANGUAGES.en);

  it('ships German complete: every English message, each translated and keeping its parameters', () => {
    const german = flatten(LANGUAGES.de);
    expect([...german.keys()]).to.deep.equal([...english.keys()]);
    for (const [key, text] of german) {
      expect(text.trim(), key).to.not.equal('');
      expect(text.includes('⟨param⟩'), key).to.equal(english.get(key)!.includes('⟨param⟩'));
    }
    // Words German shares with English: "Name", "Person", "Passkey(s)" and "Client(s)" (the
    // words German usage took over), and the console's title of a client, which is the word and the email.
    const same = [...german].filter(
      ([key, text]) =>
        text === english.get(key) &&
        !/^(account\.name|accountNav\.sections\.(profile|passkeys)|passkeys\.(title|name)|accountPages\.signIns\.methods\.passkey|console\.nav\.sections\.clients|consoleClients\.(list\.(title|user|name)|client\.(titleOf|name)))$/.test(
          key,
        ),
    );
    expect(same, 'left in English').to.deep.equal([]);
  });

  it('picks the language by Accept-Language, region and quality values included, English when none matches', () => {
    expect(negotiateLocale(acceptsFor('de-DE,de;q=0.9,en;q=0.8')).lang).to.equal('de');
    expect(negotiateLocale(acceptsFor('fr-FR, de;q=0.5, en;q=0.4')).lang).to.equal('de');
    expect(negotiateLocale(acceptsFor('en-GB')).lang).to.equal('en');
    expect(negotiateLocale(acceptsFor('fr-FR')).lang).to.equal('en');
    expect(negotiateLocale(acceptsFor('')).lang).to.equal('en');
  });

  it('says waits in whole units, rounded up, in the language', () => {
    expect(localeOf('en').wait(1)).to.equal('1 second');
    expect(localeOf('en').wait(45)).to.equal('45 seconds');
    expect(localeOf('en').wait(61 * 5)).to.equal('6 minutes');
    expect(localeOf('de').wait(900)).to.equal('15 Minuten');
    expect(localeOf('de').wait(1)).to.equal('1 Sekunde');
    expect(localeOf('en').wait(3 * 3600)).to.equal('3 hours');
  });

  it('writes dates and times with Intl, in UTC', () => {
    const moment = new Date('2026-03-04T05:06:07Z');
    expect(localeOf('en').date(moment)).to.equal('March 4, 2026');
    expect(localeOf('de').date(moment)).to.equal('4. März 2026');
    expect(localeOf('en').dateTime(moment)).to.match(/^March 4, 2026.*5:06\sAM UTC$/);
    expect(localeOf('de').dateTime(moment)).to.match(/^4\. März 2026.*05:06 UTC$/);
  });
});
