/**
 * Net Promoter Score: 0–10 answers with a follow-up comment, dismissals, and the per-shopper quiet
 * periods (store settings `nps.answeredQuietDays`, `nps.dismissedQuietDays`) that the server
 * enforces, so a shopper is not asked again on another device or after clearing the browser.
 *
 * A shopper is a customer (`c:<customer id>`, from the token) or an anonymous visitor
 * (`v:<visitor id>`). When a request carries both, the quiet periods of both apply, and rows keep
 * the visitor id too, so a visitor who signs in (or a customer who signs out on the same browser)
 * is not asked again.
 *
 * One answer per quiet period, also under concurrent requests: the check and the insert run in one
 * transaction that holds a lock per subject. SQLite serialises transactions already; on PostgreSQL
 * a transaction-scoped advisory lock per subject (taken in a fixed order, so two locks cannot
 * deadlock) makes concurrent answers from one shopper wait for each other.
 */
import { sql, type Kysely } from 'kysely';
import { isSqlite, prepared, type DB, type Database, type PreparedQuery } from './db.ts';
import type { NpsResponse, NpsResponseRequest, NpsStatus } from '../contract/nps.ts';
import { ApiError } from './problem.ts';
import { newId } from './ids.ts';
import { DAY_MS } from './loyalty.ts';
import type { Store } from './stores.ts';

export interface Shopper {
  customerId: string | null;
  visitorId: string | null;
}

export type NpsCategory = NpsResponse['category'];

/** detractor 0–6, passive 7–8, promoter 9–10. */
export function categoryOf(score: number): NpsCategory {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** The shopper of a request; 400 (field /visitorId) when there is neither a customer token nor a visitor id. */
export function shopperOf(customerId: string | undefined, visitorId: string | undefined): Shopper {
  if (customerId === undefined && visitorId === undefined) {
    throw new ApiError(400, 'validation_failed', { field: '/visitorId', detail: 'visitorId is required without a customer token.' });
  }
  return { customerId: customerId ?? null, visitorId: visitorId ?? null };
}

/** The subject rows are stored under: the customer when signed in, else the visitor. */
function primarySubject(shopper: Shopper): string {
  return shopper.customerId !== null ? `c:${shopper.customerId}` : `v:${shopper.visitorId}`;
}

function subjectsOf(shopper: Shopper): string[] {
  const out: string[] = [];
  if (shopper.customerId !== null) out.push(`c:${shopper.customerId}`);
  if (shopper.visitorId !== null) out.push(`v:${shopper.visitorId}`);
  return out;
}

/** The newest row of a table for the shopper (any of their subjects) after `since`. */
async function latestSince(db: Kysely<DB>, table: 'nps_responses' | 'nps_dismissals', storeId: string, shopper: Shopper, since: string): Promise<string | null> {
  const subjects = subjectsOf(shopper);
  const shape = `${table} ${subjects.length} ${shopper.visitorId !== null}`;
  let query = latestQueries.get(shape);
  if (query === undefined) {
    // One query per table and shopper shape (how many subjects, whether a visitor id is matched too).
    query = prepared((db, a: LatestArgs) =>
      db
        .selectFrom(table)
        .select((eb) => eb.fn.max('created_at').as('last'))
        .where('store_id', '=', a.store)
        .where('created_at', '>', a.since)
        .where((eb) =>
          eb.or([
            eb('subject', 'in', subjects.map((_, i) => (i ? a.subject1 : a.subject0))),
            ...(shopper.visitorId !== null ? [eb('visitor_id', '=', a.visitor)] : []),
          ]),
        ),
    );
    latestQueries.set(shape, query);
  }
  const [row] = await query(db, { store: storeId, since, subject0: subjects[0] ?? null, subject1: subjects[1] ?? null, visitor: shopper.visitorId });
  return row?.last ?? null;
}

interface LatestArgs extends Record<string, string | null> {
  store: string;
  since: string;
  subject0: string | null;
  subject1: string | null;
  visitor: string | null;
}
const latestQueries = new Map<string, PreparedQuery<LatestArgs, { last: string | null }>>();

const plusDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

/** Whether the shopper may be asked now, and if not why and until when (the later quiet period wins). */
export async function npsStatus(db: Kysely<DB>, store: Store, shopper: Shopper, now: Date): Promise<NpsStatus> {
  const { answeredQuietDays, dismissedQuietDays } = store.settings.nps;
  const since = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const [answered, dismissed] = await Promise.all([
    latestSince(db, 'nps_responses', store.id, shopper, since(answeredQuietDays)),
    latestSince(db, 'nps_dismissals', store.id, shopper, since(dismissedQuietDays)),
  ]);
  const answeredUntil = answered === null ? null : plusDays(answered, answeredQuietDays);
  const dismissedUntil = dismissed === null ? null : plusDays(dismissed, dismissedQuietDays);
  if (answeredUntil !== null && (dismissedUntil === null || answeredUntil >= dismissedUntil)) {
    return { ask: false, reason: 'answered', nextAskAt: answeredUntil };
  }
  if (dismissedUntil !== null) return { ask: false, reason: 'dismissed', nextAskAt: dismissedUntil };
  return { ask: true, reason: null, nextAskAt: null };
}

/** Store an answer unless the shopper is in a quiet period (409 nps_quiet_period, nothing stored). */
export async function recordResponse(db: Database, store: Store, shopper: Shopper, answer: Pick<NpsResponseRequest, 'score' | 'comment' | 'locale'>, now: Date): Promise<NpsResponse> {
  const subject = primarySubject(shopper);
  return db.transaction().execute(async (trx) => {
    if (!isSqlite(trx)) {
      for (const s of subjectsOf(shopper).sort()) {
        await sql`select pg_advisory_xact_lock(hashtext(${`nps:${store.id}:${s}`}))`.execute(trx);
      }
    }
    const status = await npsStatus(trx, store, shopper, now);
    if (!status.ask) {
      throw new ApiError(409, 'nps_quiet_period', {
        detail: `The shopper ${status.reason === 'answered' ? 'answered' : 'dismissed'} the survey recently; nextAskAt ${status.nextAskAt}.`,
      });
    }
    const id = newId('nps');
    const createdAt = now.toISOString();
    const comment = answer.comment?.trim() ?? '';
    const category = categoryOf(answer.score);
    await trx
      .insertInto('nps_responses')
      .values({
        id,
        store_id: store.id,
        subject,
        customer_id: shopper.customerId,
        visitor_id: shopper.visitorId,
        score: answer.score,
        category,
        comment: comment === '' ? null : comment,
        locale: answer.locale ?? null,
        created_at: createdAt,
      })
      .execute();
    return { id, score: answer.score, category, createdAt, nextAskAt: plusDays(createdAt, store.settings.nps.answeredQuietDays) };
  });
}

/** Record a dismissal; returns when the shopper may be asked again (the later of all quiet periods). */
export async function recordDismissal(db: Database, store: Store, shopper: Shopper, now: Date): Promise<{ nextAskAt: string }> {
  const subject = primarySubject(shopper);
  await db
    .insertInto('nps_dismissals')
    .values({ id: newId('npd'), store_id: store.id, subject, visitor_id: shopper.visitorId, created_at: now.toISOString() })
    .execute();
  const status = await npsStatus(db, store, shopper, now);
  // A store with no dismissal quiet period (0 days) may ask again right away.
  return { nextAskAt: status.nextAskAt ?? now.toISOString() };
}
