import { randomInt } from 'node:crypto';

/**
 * Confirmation phrases: a few short, distinct, pronounceable words ("alas! ear wax!"), so a
 * person has to read the prompt and type it, and nobody confirms by reflex or by pasting
 * an old one. Words avoid homophones and near-duplicates so they survive being typed.
 */
export const WORDS: readonly string[] = [
  'alas', 'ear', 'wax', 'amber', 'anvil', 'apple', 'arrow', 'atlas', 'badge', 'bagel', 'banjo', 'basil', 'beacon', 'bison',
  'blimp', 'bongo', 'brick', 'bucket', 'cactus', 'camel', 'canoe', 'cargo', 'cello', 'chalk', 'cheddar', 'cider', 'cobalt',
  'comet', 'coral', 'cricket', 'crumpet', 'dagger', 'daisy', 'delta', 'denim', 'dingo', 'dolphin', 'donut', 'dragon', 'eagle',
  'easel', 'ember', 'falcon', 'fennel', 'ferret', 'fiddle', 'fjord', 'flannel', 'fossil', 'gadget', 'garlic', 'gazebo',
  'gecko', 'ginger', 'glacier', 'goblin', 'gravy', 'guitar', 'hammock', 'harbor', 'hazel', 'hedgehog', 'helmet', 'hickory',
  'igloo', 'iguana', 'island', 'ivory', 'jackal', 'jasper', 'jelly', 'jigsaw', 'juniper', 'kayak', 'kettle', 'kiwi',
  'koala', 'ladder', 'lagoon', 'lantern', 'lemon', 'lizard', 'llama', 'lobster', 'locket', 'magnet', 'mango', 'maple',
  'marble', 'meadow', 'mitten', 'mongoose', 'muffin', 'nectar', 'nickel', 'noodle', 'nutmeg', 'oasis', 'octopus', 'olive',
  'onion', 'orbit', 'otter', 'oyster', 'paddle', 'panda', 'paprika', 'parsnip', 'pebble', 'pelican', 'pepper', 'pickle',
  'pigeon', 'pillow', 'pistachio', 'planet', 'plum', 'pretzel', 'puffin', 'pumpkin', 'quartz', 'quill', 'rabbit', 'radish',
  'raven', 'ribbon', 'rocket', 'saddle', 'saffron', 'salmon', 'sandal', 'sardine', 'scarf', 'sequoia', 'shovel', 'sloth',
  'snorkel', 'sparrow', 'spinach', 'sprocket', 'squid', 'teapot', 'thimble', 'thistle', 'tiger', 'toffee', 'topaz',
  'trumpet', 'tulip', 'tundra', 'turnip', 'turtle', 'tuxedo', 'umbrella', 'unicorn', 'velvet', 'violin', 'volcano', 'waffle',
  'walnut', 'walrus', 'wasabi', 'whistle', 'willow', 'wombat', 'yogurt', 'zebra', 'zeppelin', 'zucchini',
];

/** Three distinct words, shaped like the example: "alas! ear wax!". */
export function generatePhrase(words: readonly string[] = WORDS, pick: (n: number) => number = randomInt): string {
  // Draw without replacement, so the words are distinct whatever `pick` returns.
  const pool = [...new Set(words)];
  const chosen: string[] = [];
  for (let i = 0; i < 3 && pool.length > 0; i++) chosen.push(pool.splice(pick(pool.length) % pool.length, 1)[0] ?? '');
  return `${chosen[0]}! ${chosen.slice(1).join(' ')}!`;
}

/** A phrase for a confirmation: one of the configured ones, or a generated one. */
export function choosePhrase(configured: readonly string[], pick: (n: number) => number = randomInt): string {
  return configured.length > 0 ? (configured[pick(configured.length)] ?? generatePhrase()) : generatePhrase(WORDS, pick);
}

/** What typing a phrase must match: case, punctuation and spacing do not matter. */
export function normalizePhrase(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function phraseMatches(typed: string, phrase: string): boolean {
  const want = normalizePhrase(phrase);
  return want !== '' && normalizePhrase(typed) === want;
}
