// An empty module: the start-up baseline of bench/run.ts.
