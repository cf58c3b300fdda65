import fc from 'fast-check';

/**
 * Property tests run with a fixed seed, so CI is repeatable; FC_SEED=<n> replays
 * another run and FC_SEED=random explores new inputs (a failure prints its seed).
 */
const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261127 : Number(seed) });
