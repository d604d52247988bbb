/**
 * The anonymous visitor id: a random id kept in this browser (localStorage), sent where the server
 * needs to recognise a shopper without an account — NPS quiet periods, referral visits, the
 * recommendation events. It identifies a browser, not a person, and carries nothing else.
 */
const KEY = 'encore:visitor';
let memory: string | undefined;

function fresh(): string {
  // 22 characters from a UUID without dashes: matches the server's ^[A-Za-z0-9_-]{8,64}$.
  return `v_${crypto.randomUUID().replace(/-/g, '').slice(0, 22)}`;
}

export function visitorId(): string {
  if (memory) return memory;
  try {
    const stored = localStorage.getItem(KEY);
    if (stored && /^[A-Za-z0-9_-]{8,64}$/.test(stored)) return (memory = stored);
    memory = fresh();
    localStorage.setItem(KEY, memory);
  } catch {
    // Storage refused (privacy mode, quota): the id lives as long as the page.
    memory ??= fresh();
  }
  return memory;
}
