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
import { visitorId } from './visitor.ts';

const kept = new WeakMap<ApiClient, [writes: number, read: Promise<Session>]>();

/** The session, read once per client; `fresh` reads it again. */
export function pageSession(client: ApiClient, fresh?: boolean): Promise<Session> {
  let entry = kept.get(client);
  if (fresh || entry?.[0] !== client.writes) {
    const read = client.get<Session>(`/session?visitorId=${visitorId()}`, { schema: contract.Session });
    kept.set(client, (entry = [client.writes, read]));
    read.catch(() => kept.delete(client));
  }
  return entry[1];
}
