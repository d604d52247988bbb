/**
 * The catalogues: one chunk per widget and locale (src/core/locales.ts). Japanese must say
 * everything English says (a Japanese page never downloads English, so a key missing there would
 * show as its key), with the same placeholders.
 */
import { expect } from '@open-wc/testing';
import { catalog, coreMessages, loadCatalogs, locales, Translator, type Catalog, type MessageLoaders } from '../../src/core/i18n.ts';
import { messages as npsSurvey } from '../../src/widgets/nps-survey/messages.ts';
import { messages as pointsBalance } from '../../src/widgets/points-balance/messages.ts';
import { messages as ratingPrompt } from '../../src/widgets/rating-prompt/messages.ts';
import { messages as recommendations } from '../../src/widgets/recommendations/messages.ts';
import { messages as referralShare } from '../../src/widgets/referral-share/messages.ts';
import { messages as returnsEntry } from '../../src/widgets/returns-entry/messages.ts';

const sources: Record<string, MessageLoaders> = { core: coreMessages, npsSurvey, pointsBalance, ratingPrompt, recommendations, referralShare, returnsEntry };

/** Keys without their plural category: `points.one` and `points.other` are one message. */
function messagesOf(source: Catalog): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, text] of Object.entries(source)) {
    const base = key.replace(/\.(zero|one|two|few|many|other)$/, '');
    const names = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
    out.set(base, [...new Set([...(out.get(base) ?? []), ...names])].sort());
  }
  return out;
}

describe('catalogues', () => {
  for (const [name, loaders] of Object.entries(sources)) {
    it(`${name}: ja has every en message, with the same placeholders, and a plural .other wherever en has plurals`, async () => {
      const [en, ja] = await Promise.all(locales.map(async (locale) => (await loaders[locale]()).default));
      const [enMessages, jaMessages] = [messagesOf(en!), messagesOf(ja!)];
      expect([...jaMessages.keys()].sort()).to.deep.equal([...enMessages.keys()].sort());
      for (const [key, names] of enMessages) expect(jaMessages.get(key), key).to.deep.equal(names);
      for (const key of Object.keys(en!).filter((k) => k.endsWith('.one'))) expect(ja, key).to.have.property(key.replace(/one$/, 'other'));
      expect(Object.keys(en!).length).to.be.greaterThan(0);
    });
  }

  it('loads a locale once, on demand, and reports nothing missing afterwards', async () => {
    const calls: string[] = [];
    const loaders: MessageLoaders = {
      en: async () => (calls.push('en'), { default: { hi: 'Hello {name}' } }),
      ja: async () => (calls.push('ja'), { default: { hi: 'こんにちは{name}' } }),
    };
    expect(catalog(loaders, 'ja')).to.equal(undefined);
    const arriving = loadCatalogs('ja', [loaders]);
    expect(arriving).to.be.instanceOf(Promise);
    await arriving;
    expect(calls).to.deep.equal(['ja']);
    expect(loadCatalogs('ja', [loaders])).to.equal(undefined);
    expect(new Translator('ja', [catalog(loaders, 'ja')!]).t('hi', { name: '花子' })).to.equal('こんにちは花子');
  });

  it('forgets a catalogue that failed to load, so the next render asks again', async () => {
    let fail = true;
    const loaders: MessageLoaders = {
      en: async () => {
        if (fail) throw new TypeError('Failed to fetch dynamically imported module');
        return { default: { hi: 'Hello' } };
      },
      ja: async () => ({ default: {} }),
    };
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      await loadCatalogs('en', [loaders]);
    } finally {
      console.error = original;
    }
    expect(errors).to.have.length(1);
    expect(catalog(loaders, 'en')).to.equal(undefined);
    fail = false;
    await loadCatalogs('en', [loaders]);
    expect(catalog(loaders, 'en')).to.deep.equal({ hi: 'Hello' });
  });
});
