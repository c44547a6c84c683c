/**
 * Seeded randomness for tests that pick random values (kill moments, orders): the same seed
 * gives the same sequence, so a failure can be replayed. The seed is PACKBOT_TEST_SEED when
 * set (a number, or `random` for a fresh one), else the test's fixed default; tests print it.
 *
 *   PACKBOT_TEST_SEED=1234 npx vitest run test/deploy/crash.test.ts
 */

/** The seed to use: PACKBOT_TEST_SEED (an unsigned 32-bit integer, or `random`), else `fallback`. */
export function testSeed(fallback: number): number {
  const raw = process.env['PACKBOT_TEST_SEED']?.trim();
  if (!raw) return fallback >>> 0;
  if (raw === 'random') return Math.floor(Math.random() * 2 ** 32) >>> 0;
  if (!/^\d+$/.test(raw) || Number(raw) >= 2 ** 32) throw new Error(`PACKBOT_TEST_SEED must be an integer from 0 to ${2 ** 32 - 1}, or "random"; got "${raw}"`);
  return Number(raw);
}

/** mulberry32: a small, fast PRNG; returns numbers in [0, 1) like Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
