/**
 * What the benchmark measures in headless Chromium (Debian's, through playwright-core, launched as
 * test/e2e/browser.ts does). Every run is a fresh browser context (cold cache, empty storage), a
 * 1280×900 viewport, and a probe installed before any page script:
 * - `rendered`: the first animation frame at which every widget (or peer) on the page shows its data
 *   (no skeleton; a widget that chose to hide or shows its error state counts, and is reported);
 * - layout shifts (PerformanceObserver `layout-shift`, those inside an Encore widget marked), long
 *   tasks and long animation frames with their scripts;
 * and over the Chrome DevTools Protocol: CPU throttling (Emulation.setCPUThrottlingRate) and the
 * main thread's script time (Performance.getMetrics ScriptDuration, from navigation to 1 s after
 * `rendered`).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';

const CHROMIUM = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
export const VIEWPORT = { width: 1280, height: 900 };
export const WIDGET_TAGS = [
  'encore-points-balance',
  'encore-referral-share',
  'encore-rating-prompt',
  'encore-nps-survey',
  'encore-recommendations',
  'encore-returns-entry',
] as const;

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** The script part of one main-thread task, from a Chrome trace, ms. */
export interface ScriptTask {
  /** Start, ms after the trace's first main-thread task. */
  at: number;
  /** Wall-clock time of its script (callbacks, module evaluation, microtasks). */
  wall: number;
  /**
   * The main thread's own running time over the same script (the trace's thread clock). With the CPU
   * throttled it includes the slow-down (the throttle keeps the thread busy); it leaves out time the
   * thread was not running at all: the machine's other processes, and on a virtual machine the
   * hypervisor's steal.
   */
  thread: number;
  /** What started it: the first script event's name, and the file of the first function called in it. */
  source: string;
}

/** What a task's script is made of in a trace: the outermost of these events in it are summed. */
const SCRIPT_EVENTS = new Set(['TimerFire', 'FunctionCall', 'RunMicrotasks', 'v8.evaluateModule', 'EvaluateScript', 'FireAnimationFrame', 'EventDispatch', 'FireIdleCallback']);
const TASK_EVENTS = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/** Starts a trace of what `scriptTasks` reads; the returned function ends it and hands the events over. */
async function startTrace(cdp: CDPSession): Promise<() => Promise<any[]>> {
  const events: any[] = [];
  cdp.on('Tracing.dataCollected', (data: { value: any[] }) => events.push(...data.value));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'v8.execute'] }, transferMode: 'ReportEvents' } as never);
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    return events;
  };
}

/**
 * Every task of the page's main thread that ran script, with that script's wall-clock and thread
 * time. On the bench pages all script is the page's own widgets' (and the probe's few observer
 * callbacks). The page's main thread is the renderer main thread that parsed `url`, else (a blank
 * page) the one with the most script: the browser's own pages run in renderers of their own.
 */
export function scriptTasks(events: any[], url?: string): ScriptTask[] {
  const parsed = url && events.find((e) => e.name === 'ParseHTML' && e.args?.beginData?.url === url);
  const mains = parsed ? [`${parsed.pid}:${parsed.tid}`] : events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`);
  const byThread = new Map<string, any[]>(mains.map((key) => [key, []]));
  for (const e of events) if (e.ph === 'X') byThread.get(`${e.pid}:${e.tid}`)?.push(e);
  const scriptOf = (list: any[]) => list.filter((e) => SCRIPT_EVENTS.has(e.name)).reduce((s, e) => s + e.dur, 0);
  const main = [...byThread.values()].sort((a, b) => scriptOf(b) - scriptOf(a))[0] ?? [];
  main.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = main.filter((e) => TASK_EVENTS.has(e.name));
  const origin = tasks[0]?.ts ?? 0;
  const out: ScriptTask[] = [];
  let i = 0;
  for (const task of tasks) {
    const end = task.ts + task.dur;
    let wall = 0;
    let thread = 0;
    let covered = -1; // the end of the last script event counted: events nested in it are not counted again
    let first = '';
    let file = '';
    while (i < main.length && main[i].ts < task.ts) i++;
    for (let j = i; j < main.length && main[j].ts < end; j++) {
      const e = main[j];
      if (!file && e.name === 'FunctionCall' && e.args?.data?.url) file = String(e.args.data.url).replace(/^.*\//, '').replace(/-[\w-]{8}\.js$/, '.js');
      if (!SCRIPT_EVENTS.has(e.name) || e.ts < covered || e.ts + e.dur > end) continue;
      first ||= e.name;
      wall += e.dur;
      thread += e.tdur ?? e.dur;
      covered = e.ts + e.dur;
    }
    if (wall > 0) out.push({ at: (task.ts - origin) / 1000, wall: wall / 1000, thread: thread / 1000, source: file ? `${first} ${file}` : first });
  }
  return out;
}

/**
 * How steady this machine's timings are: the same fixed piece of script (a loop of square roots),
 * run as 40 separate tasks on a blank page at each CPU rate, its durations sorted: wall clock as the
 * page sees it (`performance.now()`), and the main thread's running time from a trace of the same
 * tasks. A figure of the page is only as precise as this spread.
 */
export async function steadiness(browser: Browser, rates = [1, 4], tasks = 40): Promise<{ rate: number; ms: number[]; threadMs: number[] }[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto('about:blank');
    const cdp = await context.newCDPSession(page);
    const out: { rate: number; ms: number[]; threadMs: number[] }[] = [];
    for (const rate of rates) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      const stop = await startTrace(cdp);
      // A string, so that what runs in the page is exactly this (no transpiler helpers).
      const ms = (await page.evaluate(`(async () => {
        const out = [];
        for (let k = 0; k < ${tasks}; k++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          const t = performance.now();
          let x = 0;
          for (let i = 0; i < 3000000; i++) x += Math.sqrt(i);
          out.push(performance.now() - t + (x < 0 ? 1 : 0));
        }
        return out.sort((a, b) => a - b);
      })()`)) as number[];
      // The loop's tasks are the trace's longest by far (the rest are the harness's few-ms calls);
      // one the trace missed (it may start recording a moment late) is left out, not replaced.
      const traced = scriptTasks(await stop())
        .filter((t) => t.wall >= ms[0]! / 2)
        .sort((a, b) => b.wall - a.wall)
        .slice(0, tasks);
      out.push({ rate, ms, threadMs: traced.map((t) => t.thread).sort((a, b) => a - b) });
    }
    return out;
  } finally {
    await context.close();
  }
}

export interface FileBytes {
  url: string;
  type: string;
  min: number;
  gzip: number;
  brotli: number;
}

export interface Run {
  url: string;
  rate: number;
  /** ms from navigation start to every widget rendered with data; null when it never happened. */
  rendered: number | null;
  states: Record<string, string> | null;
  scriptMs: number;
  taskMs: number;
  /** First contentful paint, ms from navigation start. */
  fcp: number | null;
  cls: number;
  clsInWidgets: number;
  shifts: { value: number; at: number; inWidget: boolean; nodes: string[] }[];
  longTasks: { start: number; duration: number }[];
  /** Scripts inside long animation frames, with their source. */
  loafScripts: { sourceURL: string; duration: number; invoker: string }[];
  /** With `trace`: the page's main-thread tasks that ran script, the longest 12 by thread time. */
  tasks?: ScriptTask[];
  requests: { method: string; url: string; at: number }[];
  files: FileBytes[];
  dom: { elements: number; shadowRoots: number } | null;
  scroll: { frames: number[]; scrolled: number; domAfter: { elements: number; shadowRoots: number } } | null;
  problems: string[];
}

export interface RunOptions {
  /** CPU slow-down (1 = none). */
  rate?: number;
  /** Expected carousel length on compare pages. */
  n?: number;
  /** Answer the page's recommendations read with this body (the 200-product list). */
  recommendations?: string;
  /** How long to keep the page after `rendered` (requests, late shifts, script time). */
  settleMs?: number;
  bytes?: boolean;
  scroll?: boolean;
  /** Another window size than VIEWPORT. */
  viewport?: { width: number; height: number };
  /** Measure a second view of the page in the same browser context (cache and storage kept from the first). */
  repeat?: boolean;
  /** Trace the main thread (Run.tasks). Tracing costs time of its own: runs that time the page go without. */
  trace?: boolean;
}

/** Installed before any page script: all of it runs in the page. */
function probe(n: number): void {
  type Entry = PerformanceEntry & Record<string, any>;
  const b: Record<string, any> = { rendered: null, states: null, fcp: null, cls: 0, clsInWidgets: 0, shifts: [], longTasks: [], loafScripts: [] };
  (window as any).__bench = b;
  const inWidget = (node: Node | null): boolean => {
    for (let at: any = node; at; at = at.parentNode || at.host) if (at.nodeType === 1 && at.localName.startsWith('encore-')) return true;
    return false;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Entry[]) {
      if (e['hadRecentInput']) continue;
      const nodes = (e['sources'] ?? []).map((s: any) => s.node);
      const mine = nodes.some(inWidget);
      b.cls += e['value'];
      if (mine) b.clsInWidgets += e['value'];
      b.shifts.push({ value: e['value'], at: e.startTime, inWidget: mine, nodes: nodes.map((x: any) => (x ? x.nodeName + (x.className ? '.' + x.className : '') : '?')) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Entry[])
        for (const s of e['scripts'] ?? []) b.loafScripts.push({ sourceURL: s.sourceURL, duration: s.duration, invoker: s.invoker });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    /* not supported */
  }

  const widgetState = (el: any): string | null => {
    const root = el?.shadowRoot;
    if (!el || !customElements.get(el.localName) || !root || !el.hasUpdated || root.querySelector('[part~="skeleton"]')) return null;
    return root.querySelector('[part~="error"]') ? 'error' : el.hidden ? 'hidden' : root.querySelector('[part~="base"]') ? 'data' : null;
  };
  const checks: Record<string, () => Record<string, string> | null> = {
    all: () => {
      if (!document.querySelector('script[src*="encore.js"]')) return { baseline: 'no Encore' };
      const states: Record<string, string> = {};
      for (const el of document.querySelectorAll('main *')) {
        if (!el.localName.startsWith('encore-')) continue;
        const s = widgetState(el);
        if (!s) return null;
        states[el.localName] = s;
      }
      return Object.keys(states).length ? states : null;
    },
    'compare-encore': () => {
      const rec = document.querySelector('encore-recommendations') as any;
      const slides = rec?.shadowRoot?.querySelectorAll('[part~="slide"]').length;
      if (!widgetState(rec) || slides !== n) return null;
      const rating = document.querySelector('encore-rating-prompt');
      if (rating && !widgetState(rating)) return null;
      return { slides: String(slides), ...(rating && { rating: widgetState(rating)! }) };
    },
    'compare-shoelace': () => {
      const c = document.querySelector('sl-carousel') as any;
      const items = document.querySelectorAll('sl-carousel-item').length;
      if (!c || !customElements.get('sl-carousel') || !c.hasUpdated || items !== n) return null;
      if (![...document.querySelectorAll('sl-rating, sl-carousel-item')].every((r: any) => r.hasUpdated)) return null;
      return { slides: String(items), ratings: String(document.querySelectorAll('sl-rating').length) };
    },
    'compare-nosto': () => {
      const items = document.querySelectorAll('nosto-product').length;
      return customElements.get('nosto-product') && items === n ? { slides: String(items) } : null;
    },
  };
  const tick = () => {
    const check = checks[document.documentElement.dataset['bench'] ?? ''];
    const states = check?.();
    if (states) {
      b.rendered = performance.now();
      b.states = states;
    } else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function countDom(): { elements: number; shadowRoots: number } {
  let elements = 0;
  let shadowRoots = 0;
  const walk = (root: Document | ShadowRoot) => {
    for (const el of root.querySelectorAll('*')) {
      elements++;
      if (el.shadowRoot) {
        shadowRoots++;
        walk(el.shadowRoot);
      }
    }
  };
  walk(document);
  return { elements, shadowRoots };
}

/** Scrolls the carousel's track 40 px per frame for up to 120 frames (snapping off) and records frame intervals. */
async function scrollTrack(): Promise<{ frames: number[]; scrolled: number }> {
  const kind = document.documentElement.dataset['bench'];
  const track = (
    kind === 'compare-encore'
      ? document.querySelector('encore-recommendations')!.shadowRoot!.querySelector('#track')
      : kind === 'compare-shoelace'
        ? document.querySelector('sl-carousel')!.shadowRoot!.querySelector('[part~="scroll-container"]')
        : document.querySelector('.n-track')
  ) as HTMLElement;
  track.style.scrollSnapType = 'none';
  track.style.scrollBehavior = 'auto';
  const frames: number[] = [];
  await new Promise<void>((done) => {
    let last = 0;
    let i = 0;
    const tick = (t: number) => {
      if (last) frames.push(t - last);
      last = t;
      track.scrollLeft += 40;
      if (++i < 120 && track.scrollLeft < track.scrollWidth - track.clientWidth) requestAnimationFrame(tick);
      else requestAnimationFrame((t2) => (frames.push(t2 - last), done()));
    };
    requestAnimationFrame(tick);
  });
  return { frames, scrolled: track.scrollLeft };
}

function sizes(bytes: Buffer): { min: number; gzip: number; brotli: number } {
  return {
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export async function measurePage(browser: Browser, url: string, options: RunOptions = {}): Promise<Run> {
  const { rate = 1, n = 0, settleMs = 1000 } = options;
  const context = await browser.newContext({ viewport: options.viewport ?? VIEWPORT, locale: 'en-US', timezoneId: 'UTC' });
  try {
    const page: Page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
    });
    // tsx keeps function names with a `__name` helper that page-side functions would miss.
    await page.addInitScript('globalThis.__name = (f) => f;');
    await page.addInitScript(probe, n);
    if (options.repeat) {
      // The first view: what the shopper saw before (cache, localStorage); not measured.
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as any).__bench.rendered !== null, null, { timeout: 15_000, polling: 250 });
      await page.waitForTimeout(500);
    }
    if (options.recommendations !== undefined) {
      const body = options.recommendations;
      await page.route(/\/v1\/stores\/[^/]+\/recommendations\?/, (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', headers: { 'cache-control': 'no-store' }, body }),
      );
    }
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
    });
    const start = Date.now();
    const requests: Run['requests'] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) requests.push({ method: request.method(), url: request.url(), at: Date.now() - start });
    });
    const bodies: Promise<FileBytes | undefined>[] = [];
    if (options.bytes) {
      page.on('response', (response) => {
        const type = response.request().resourceType();
        if (type !== 'script' && type !== 'stylesheet') return;
        bodies.push(
          response.body().then(
            (bytes) => ({ url: new URL(response.url()).pathname, type, ...sizes(bytes) }),
            () => undefined,
          ),
        );
      });
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const stopTrace = options.trace ? await startTrace(cdp) : undefined;

    await page.goto(url, { waitUntil: 'load' });
    const rendered = await page
      .waitForFunction(() => (window as any).__bench.rendered !== null, null, { timeout: 15_000, polling: 250 })
      .then(
        () => true,
        () => false,
      );
    await page.waitForTimeout(settleMs);
    const tasks = stopTrace && scriptTasks(await stopTrace(), url).sort((a, b) => b.thread - a.thread).slice(0, 12);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    const b = await page.evaluate(() => (window as any).__bench);
    if (!rendered) {
      // Say which element kept the page from counting as rendered.
      const pending = await page.evaluate(() =>
        [...document.querySelectorAll('main *')]
          .filter((el) => el.localName.includes('-'))
          .map((el: any) => {
            const root = el.shadowRoot;
            const what = !customElements.get(el.localName) ? 'undefined' : !root ? 'no shadow root' : root.querySelector('[part~="skeleton"]') ? 'skeleton' : root.querySelector('[part]')?.getAttribute('part') ?? 'empty';
            return `${el.localName}: ${what}${el.hidden ? ' (hidden)' : ''}`;
          }),
      );
      problems.push(`not rendered after 15 s: ${pending.join('; ')}`);
    }
    const dom = rendered ? await page.evaluate(countDom) : null;
    let scroll: Run['scroll'] = null;
    if (options.scroll && rendered) {
      const result = await page.evaluate(scrollTrack);
      await page.waitForTimeout(300);
      scroll = { ...result, domAfter: await page.evaluate(countDom) };
    }
    const files = (await Promise.all(bodies)).filter((f): f is FileBytes => f !== undefined);
    return {
      url,
      rate,
      rendered: rendered ? b.rendered : null,
      states: b.states,
      fcp: b.fcp,
      scriptMs: metric('ScriptDuration'),
      taskMs: metric('TaskDuration'),
      cls: b.cls,
      clsInWidgets: b.clsInWidgets,
      shifts: b.shifts,
      longTasks: b.longTasks,
      loafScripts: b.loafScripts,
      ...(tasks && { tasks }),
      requests,
      files,
      dom,
      scroll,
      problems,
    };
  } finally {
    await context.close();
  }
}
