/**
 * Server load, two ways:
 * - autocannon, in its own process, at a fixed overall rate (`--overallRate`). autocannon paces per
 *   connection and per second: each connection sends its share of the second's requests back to back
 *   at the start of each second, then waits. Its coordinated-omission correction assumes a request
 *   every ceil(1 / per-connection rate) = 1 ms, which fills the histogram with synthetic samples, so it
 *   runs with `-C` (raw latencies of the requests sent).
 * - paced(): an open-loop generator that sends request i at start + i / rate (uniform arrivals,
 *   whatever the server's speed) over keep-alive connections, with each latency counted from when the
 *   request was due, so a server that falls behind shows it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request, type ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));

/** The machine's CPU time since boot, from /proc/stat (Linux), in clock ticks. */
export interface CpuTimes {
  total: number;
  idle: number;
  steal: number;
}

export function cpuTimes(): CpuTimes | null {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), idle: fields[3]! + fields[4]!, steal: fields[7]! };
  } catch {
    return null;
  }
}

/**
 * Shares of all cores' time between two readings, in per cent: `steal` is time the hypervisor gave
 * this virtual machine's CPUs to someone else (it runs nothing of ours while it lasts).
 */
export function cpuShare(before: CpuTimes | null, after: CpuTimes | null): { stealPct: number; idlePct: number } | null {
  if (!before || !after || after.total <= before.total) return null;
  const total = after.total - before.total;
  return { stealPct: (100 * (after.steal - before.steal)) / total, idlePct: (100 * (after.idle - before.idle)) / total };
}

export interface LoadPoint {
  rate: number;
  seconds: number;
  connections: number;
  /** Completed requests per second (mean of the per-second samples). */
  achieved: number;
  sent: number;
  completed: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export function autocannon(url: string, rate: number, seconds: number, headers: Record<string, string>, connections = 10): Promise<LoadPoint> {
  const args = [BIN, '--json', '-C', '-c', String(connections), '-d', String(seconds), '-R', String(rate)];
  for (const [key, value] of Object.entries(headers)) args.push('-H', `${key}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`));
      try {
        const r = JSON.parse(out);
        resolve({
          rate,
          seconds,
          connections,
          achieved: r.requests.average,
          sent: r.requests.sent,
          completed: r.requests.total,
          p50: r.latency.p50,
          p99: r.latency.p99,
          max: r.latency.max,
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
        });
      } catch (error) {
        reject(new Error(`autocannon output: ${String(error)} ${out.slice(0, 300)}`));
      }
    });
  });
}

/**
 * Open-loop, uniformly paced load (see the top of the file); at most `sockets` requests in flight.
 * Requests still unanswered `drainMs` after the last was due count as `timeouts`, with their wait so
 * far as latency (so p99 is then a lower bound; `truncated` says so).
 */
export async function paced(
  url: string,
  rate: number,
  seconds: number,
  headers: Record<string, string>,
  sockets = 64,
  drainMs = 2000,
): Promise<LoadPoint & { truncated: boolean; errorCodes: Record<string, number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const inFlight = new Map<number, { due: number; req: ClientRequest }>();
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  let non2xx = 0;
  let sent = 0;
  let completed = 0;
  const start = performance.now() + 20;
  const end = start + seconds * 1000 + drainMs;
  await new Promise<void>((resolve) => {
    let done = 0;
    const settle = (id: number) => {
      inFlight.delete(id);
      if (++done === total) resolve();
    };
    const fire = (id: number, due: number) => {
      sent++;
      const req = request(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (!inFlight.has(id)) return;
          latencies.push(performance.now() - due);
          completed++;
          if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx++;
          settle(id);
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (!inFlight.has(id)) return;
        errors++;
        const code = error.code ?? error.message;
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        settle(id);
      });
      inFlight.set(id, { due, req });
      req.end();
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) fire(next, start + (next++ * 1000) / rate);
      if (next < total) setTimeout(tick, Math.max(0, start + (next * 1000) / rate - performance.now() - 1));
    };
    setTimeout(tick, 20);
    setTimeout(resolve, end - performance.now());
  });
  const now = performance.now();
  const timeouts = inFlight.size;
  // Abort what is left, queued requests included, so that nothing reaches the server after this point.
  const left = [...inFlight.values()];
  inFlight.clear();
  for (const { due, req } of left) {
    latencies.push(now - due);
    req.destroy();
  }
  agent.destroy();
  const elapsed = (Math.min(now, end) - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    rate,
    seconds,
    connections: sockets,
    achieved: completed / elapsed,
    sent,
    completed,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? NaN),
    errors,
    timeouts,
    non2xx,
    truncated: timeouts > 0,
    errorCodes,
  };
}
