// src/theory.ts off the main thread: `theory` and `describeTarget` leave the event loop free, stop when
// their signal aborts, and answer exactly what the synchronous calls answer; `theorySync` takes only the
// kinds that are instant.
import { expect, describe as group, it } from 'vitest';
import { ConfigError, describe, describeTarget, theory, theorySync } from '../src/index';

const ERROR_REQUEST = { kind: 'error' as const, config: { preset: 'osa-one-step', d: 800, p: 800 }, alphaReadout: [0.5, 1, 2] };

group('theory off the main thread', () => {
  it('leaves the event loop free while `error` computes (a timer keeps ticking)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = Date.now();
    const answer = await theory(ERROR_REQUEST);
    clearInterval(timer);
    const elapsed = Date.now() - t0;
    expect(answer.points).toHaveLength(3);
    // A blocked loop would tick at most once; a free one about every 10 ms of the computation.
    expect(elapsed).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThan(elapsed / 10 / 4);
  });

  it('stops when its signal aborts: AbortError carrying the reason, well before the computation would end', async () => {
    const t0 = Date.now();
    await theory(ERROR_REQUEST);
    const full = Date.now() - t0;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('enough')), 20);
    const error = (await theory(ERROR_REQUEST, { signal: controller.signal }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AbortError');
    expect((error as Error & { cause?: Error }).cause?.message).toBe('enough');
    expect(Date.now() - started).toBeLessThan(full);
    // An aborted signal refuses before anything runs.
    await expect(theory(ERROR_REQUEST, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(theory(ERROR_REQUEST, { signal: 'stop' as unknown as AbortSignal })).rejects.toThrow(/^signal: must be an AbortSignal/);
  });

  it('rejects an abort that comes during a kind that checks no flag (phase-diagram takes milliseconds)', async () => {
    const controller = new AbortController();
    const pending = theory({ kind: 'phase-diagram', target: 'T-C' }, { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', message: 'The run was aborted: changed my mind' });
  });

  it('answers what the synchronous engine answers, and refuses bad requests by field', async () => {
    const request = { kind: 'phase-diagram' as const, target: 'T-C' };
    expect(await theory(request)).toEqual(theorySync(request));
    await expect(theory({ kind: 'one-step', target: 'T-A', activation: '1/x', alphas: [1] })).rejects.toBeInstanceOf(ConfigError);
    await expect(theory({ kind: 'nope' } as never)).rejects.toThrow(/^kind: unknown theory kind 'nope'/);
  });

  it('theorySync refuses the kinds that take seconds, naming the way out', () => {
    expect(() => theorySync(ERROR_REQUEST as never)).toThrow(/^kind: theory kind 'error' takes seconds: await theory\(request\)/);
    expect(() => theorySync({ kind: 'overlaps', config: {} } as never)).toThrow(/^kind: theory kind 'overlaps' takes seconds/);
  });
});

group('describeTarget', () => {
  it('equals describe, off the main thread; aborts; refuses a bad target by field', async () => {
    const target = 'tanh(u1+u2) + sin(u3*u4) + tanh(u5)';
    expect(await describeTarget(target)).toEqual(describe(target));
    await expect(describeTarget(target, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(describeTarget('u1 +')).rejects.toBeInstanceOf(ConfigError);
  });
});
