/** <encore-nps-survey> in English. */
import type { Catalog } from '../../core/locales.ts';

export default {
  'nps.q': 'How likely are you to recommend us to a friend or colleague?',
  'nps.lo': 'Not at all likely',
  'nps.hi': 'Extremely likely',
  'nps.detractor': 'What should we improve?',
  'nps.passive': 'What could we do better?',
  'nps.promoter': 'What do you love about us?',
  'nps.optional': '(optional)',
  'nps.send': 'Send',
  'nps.close': 'Close',
  'nps.thanks': 'Thank you for your feedback!',
  'nps.already': 'You’ve already answered recently.',
  'nps.queued': 'Saved. We’ll send it as soon as we can.',
  'nps.invite': 'Know someone who’d love us too?',
  'nps.refer': 'Refer a friend',
  'nps.join': 'Create an account to refer friends',
} satisfies Catalog;
