/** What every masked credential becomes. */
export const MASK = '***';

/**
 * Values shorter than this are never masked: they would mask ordinary words. packbot.yaml's own
 * credentials must be longer still (MIN_CONFIG_SECRET_LENGTH, refused by config load); this
 * floor is for values packbot does not choose (pack configs' `secret: true` values, the
 * environment's tool credentials), which are masked from here up rather than refused.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Shortest credential packbot.yaml accepts (config/crosscheck.ts refuses shorter ones, naming
 * the key): below it a masked value would also blank out ordinary text, and a prefix cut off
 * by a message (see MIN_TRUNCATED_PREFIX) could be most of it.
 */
export const MIN_CONFIG_SECRET_LENGTH = 8;

/**
 * Shortest start of a registered secret masked when a message cut it off (`"abcdefgh…"`):
 * shorter ones would mask ordinary words that happen to precede an ellipsis.
 */
export const MIN_TRUNCATED_PREFIX = MIN_CONFIG_SECRET_LENGTH;

/**
 * Shortest base64 fragment masked on its own (the stable core of a secret inside a longer
 * blob): shorter ones would hit unrelated base64 by chance.
 */
export const MIN_CORE_LENGTH = 8;
