/**
 * The page's one session read (SPEC §5: a page of widgets makes at most 3 API requests before the
 * shopper interacts). `GET /session` carries what each widget shows first (the shopper, their
 * referral link, whether to ask the NPS survey, the newest order to rate, the return policy), and
 * every widget on the page takes it from here: one request per client, whenever each widget
 * starts. A failed read is not kept (a retry reads again), and neither is a reply from before a
 * successful write through the client (a redemption, a review, an NPS answer, a return).
 */
import * as contract from '../../contract/schemas.ts';
import type { Session } from '../../contract/types.ts';
import type { ApiClient } from './client.ts';
import type { MessageOverrides } from './global.ts';
import { visitorId } from './visitor.ts';

/**
 * The store's own wording (its settings on the server) from the last session each client read.
 * Every widget's text reads it (element.ts), also a widget that does not read the session itself,
 * once another on the page has: a shop that renames its points says so once (SPEC §1).
 */
export const storeWords = new WeakMap<ApiClient, MessageOverrides>();

/**
 * The session, read once per client: the client shares the reply for the page's life (until a
 * write, which clears shared replies; a failed read is never shared). `fresh` reads it again.
 */
export function pageSession(client: ApiClient, fresh?: boolean): Promise<Session> {
  const read = client.get<Session>(`/session?visitorId=${visitorId()}`, { schema: contract.Session, shareFor: Infinity, fresh });
  // Before the caller's own continuation: the render that shows the session already has the words.
  read.then(({ store }) => storeWords.set(client, store.messages), () => undefined);
  return read;
}
