// Ctrl-C (SIGINT) and SIGTERM (Slurm at a task's time limit, scancel, preemption) abort the engine's
// work through an AbortSignal, so a command stops within a chunk, keeps what it finished and releases its
// files' locks (main exits 130).

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
