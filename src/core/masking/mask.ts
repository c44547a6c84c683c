/** What every masked credential becomes. */
export const MASK = '***';

/** Values shorter than this would mask ordinary words; config validation warns about them. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Shortest base64 fragment masked on its own (the stable core of a secret inside a longer
 * blob): shorter ones would hit unrelated base64 by chance.
 */
export const MIN_CORE_LENGTH = 8;
