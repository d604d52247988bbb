/** The core's Task controller (src/core/task.ts): runs on changed arguments, keeps the latest result. */
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { initialState, Task, TaskStatus } from '../../src/core/task.ts';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

class TaskHost extends LitElement {
  static override properties = { id: {}, ready: { type: Boolean } };
  declare id: string;
  declare ready: boolean;
  runs: Array<{ args: readonly [string, boolean]; signal: AbortSignal; reply: Deferred<string> }> = [];
  renders = 0;
  errors: unknown[] = [];
  task = new Task(this, {
    onError: (error) => this.errors.push(error),
    task: (args: readonly [string, boolean], { signal }) => {
      if (!args[1]) return initialState;
      const reply = deferred<string>();
      this.runs.push({ args, signal, reply });
      return reply.promise;
    },
    args: () => [this.id, this.ready] as const,
  });

  override render(): unknown {
    this.renders++;
    return html`${this.task.status}:${this.task.value ?? ''}`;
  }
}
customElements.define('task-host', TaskHost);

/** Past the task's own hop to a new event-loop task (nextTask) and the update that follows. */
async function settle(el: TaskHost): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setTimeout(resolve));
  await el.updateComplete;
}

describe('Task (core)', () => {
  it('applies a result in a task of its own, not in the one that delivered it', async () => {
    const el = await fixture<TaskHost>(html`<task-host id="a" .ready=${true}></task-host>`);
    await settle(el);
    el.runs[0]!.reply.resolve('later');
    await Promise.resolve();
    await Promise.resolve();
    expect(el.task.status, 'still pending after the microtasks of the delivering task').to.equal(TaskStatus.PENDING);
    await settle(el);
    expect(el.task.value).to.equal('later');
  });

  it('waits in INITIAL while the task returns initialState, then runs when an argument changes', async () => {
    const el = await fixture<TaskHost>(html`<task-host id="a"></task-host>`);
    await settle(el);
    expect(el.task.status).to.equal(TaskStatus.INITIAL);
    expect(el.runs).to.have.length(0);
    el.ready = true;
    await settle(el);
    expect(el.task.status).to.equal(TaskStatus.PENDING);
    expect(el.runs).to.have.length(1);
    el.runs[0]!.reply.resolve('first');
    await settle(el);
    expect(el.task.status).to.equal(TaskStatus.COMPLETE);
    expect(el.task.value).to.equal('first');
    expect(el.shadowRoot!.textContent).to.equal('2:first');
  });

  it('does not run again for an update with the same arguments', async () => {
    const el = await fixture<TaskHost>(html`<task-host id="a" .ready=${true}></task-host>`);
    await settle(el);
    el.runs[0]!.reply.resolve('x');
    await settle(el);
    el.requestUpdate();
    await settle(el);
    expect(el.runs).to.have.length(1);
  });

  it('aborts a run it replaces and keeps only the latest result', async () => {
    const el = await fixture<TaskHost>(html`<task-host id="a" .ready=${true}></task-host>`);
    await settle(el);
    el.id = 'b';
    await settle(el);
    expect(el.runs).to.have.length(2);
    expect(el.runs[0]!.signal.aborted).to.equal(true);
    expect(el.runs[1]!.signal.aborted).to.equal(false);
    el.runs[1]!.reply.resolve('b');
    el.runs[0]!.reply.resolve('a (stale)');
    await settle(el);
    expect(el.task.value).to.equal('b');
  });

  it('reports a failure as ERROR with the error and no value, and run() tries again', async () => {
    const el = await fixture<TaskHost>(html`<task-host id="a" .ready=${true}></task-host>`);
    await settle(el);
    const failure = new Error('offline');
    el.runs[0]!.reply.reject(failure);
    await settle(el);
    expect(el.task.status).to.equal(TaskStatus.ERROR);
    expect(el.task.error).to.equal(failure);
    expect(el.task.value).to.equal(undefined);
    expect(el.errors).to.deep.equal([failure]);
    void el.task.run();
    await settle(el);
    expect(el.task.status).to.equal(TaskStatus.PENDING);
    expect(el.runs).to.have.length(2);
    expect(el.runs[1]!.args).to.deep.equal(['a', true]);
    el.runs[1]!.reply.resolve('back');
    await settle(el);
    expect(el.task.status).to.equal(TaskStatus.COMPLETE);
    expect(el.task.error).to.equal(undefined);
    expect(el.task.value).to.equal('back');
  });
});
