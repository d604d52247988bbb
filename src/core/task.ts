/**
 * A widget's asynchronous read as a reactive controller: the part of `@lit/task` the widgets use,
 * with the same names and behaviour (`new Task(host, { task, args, onError })`, `status`, `value`,
 * `error`, `run()`, `initialState`), in a third of its bytes. It runs in the host's update whenever an
 * argument changes (by identity), aborts the run it replaces, and keeps only the latest result.
 * A run that returns `initialState` leaves the task waiting (a widget not yet near the viewport).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export const initialState = Symbol('initialState');

/**
 * A new task of the event loop. Widgets that wait on one reply (the page's session) would all
 * render in the task that delivers it; hopping first gives each render a task of its own, so no
 * one task grows long (SPEC §5: no long task over 50 ms with the CPU slowed 4×). The callback is a
 * function of this chunk, not `resolve` itself, so that the browser's long-animation-frame entries
 * name Encore as the source of the work that follows.
 */
export const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(() => resolve()));

export const TaskStatus = { INITIAL: 0, PENDING: 1, COMPLETE: 2, ERROR: 3 } as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export interface TaskConfig<A extends readonly unknown[], R> {
  task: (args: A, options: { signal: AbortSignal }) => R | typeof initialState | Promise<R | typeof initialState>;
  args: () => A;
  /** Told of a failed run (the task's status is ERROR either way). */
  onError?: (error: unknown) => void;
}

export class Task<A extends readonly unknown[], R> implements ReactiveController {
  status: TaskStatus = TaskStatus.INITIAL;
  /** The last run's result (undefined after a failed run, as in `@lit/task`). */
  value: R | undefined;
  error: unknown;

  readonly #host: ReactiveControllerHost;
  readonly #config: TaskConfig<A, R>;
  #args: A | undefined;
  #call = 0;
  #abort: AbortController | undefined;

  constructor(host: ReactiveControllerHost, config: TaskConfig<A, R>) {
    this.#host = host;
    this.#config = config;
    host.addController(this);
  }

  hostUpdate(): void {
    const args = this.#config.args();
    const previous = this.#args;
    if (!previous || args.length !== previous.length || args.some((arg, i) => !Object.is(arg, previous[i]))) void this.run(args);
  }

  /** Runs the task now (a retry button), with the given arguments or the current ones. */
  async run(args: A = this.#config.args()): Promise<void> {
    this.#args = args;
    if (this.status === TaskStatus.PENDING) this.#abort?.abort();
    this.status = TaskStatus.PENDING;
    this.#host.requestUpdate();
    const call = ++this.#call;
    const abort = (this.#abort = new AbortController());
    let result: R | typeof initialState | undefined;
    let error: unknown;
    let failed = false;
    try {
      result = await this.#config.task(args, { signal: abort.signal });
    } catch (e) {
      failed = true;
      error = e;
    }
    await nextTask();
    if (call !== this.#call) return; // a later run replaced this one
    if (result === initialState) this.status = TaskStatus.INITIAL;
    else {
      if (failed) this.#config.onError?.(error);
      this.status = failed ? TaskStatus.ERROR : TaskStatus.COMPLETE;
      this.value = result;
      this.error = error;
    }
    this.#host.requestUpdate();
  }
}
