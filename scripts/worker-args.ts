/**
 * How a worker process is started (npm start, the benchmarks, the crash tests): one process, no
 * tsx CLI wrapper (so a signal reaches the worker itself), and a V8 heap cap that keeps its
 * resident memory bounded — without it V8 grows the heap lazily to several hundred MB.
 */
export const WORKER_NODE_ARGS = ["--max-old-space-size=160", "--import", "tsx", "scripts/worker.ts"];
