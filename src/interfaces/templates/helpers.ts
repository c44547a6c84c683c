import type Handlebars from 'handlebars';
import { formatElapsed, timeAgo } from '../../core/duration.js';
import { identityOf, personMark, type PersonHow } from '../../core/identity.js';

/** Inline code that survives values containing backticks. */
export function inlineCode(value: unknown): string {
  const text = String(value ?? '');
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function isOptions(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'hash' in value && 'data' in value;
}

/** The platform a template is being rendered for (`@platform` in templates). */
function platformOf(options: unknown): string {
  return String((options as { data?: { platform?: unknown } }).data?.platform ?? '');
}

/** Bold as each platform writes it: Discord's `*x*` is italics, Slack's and the console's is bold. */
export function bold(value: unknown, platform: string): string {
  const text = String(value ?? '');
  if (text === '') return '';
  return platform === 'discord' ? `**${text}**` : `*${text}*`;
}

/**
 * A person in a template, as a mark the responder resolves for the platform (see
 * core/identity.ts): `{{person requester}}` names them, `{{mention requester}}` pings them.
 * The value is an identity (`slack:U123`); a bare id is taken as a user of the platform being
 * rendered for, so `{{mention "U123"}}` still pings U123 on Slack and reads `@alice` in the console.
 */
export function personOf(value: unknown, how: PersonHow, platform: string): string {
  const text = String(value ?? '');
  if (text === '') return '';
  return personMark(text.includes(':') ? text : identityOf(platform, text), how);
}

/**
 * Helper names win over view-model keys of the same name in handlebars, so none may be a
 * key a view uses (`duration`, `ago`, `since` are all data): hence `timespan` and `timeago`.
 */
export function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('code', (value: unknown) => inlineCode(value));
  hb.registerHelper('concat', (...args: unknown[]) => args.filter((a) => !isOptions(a)).map(String).join(''));
  hb.registerHelper('plural', (count: unknown, singular: unknown, pluralForm: unknown) => {
    const n = Number(count);
    const word = n === 1 ? String(singular) : isOptions(pluralForm) ? `${String(singular)}s` : String(pluralForm);
    return `${n} ${word}`;
  });
  hb.registerHelper('bold', (value: unknown, options: unknown) => bold(value, platformOf(options)));
  hb.registerHelper('mention', (who: unknown, options: unknown) => personOf(who, 'mention', platformOf(options)));
  hb.registerHelper('person', (who: unknown, options: unknown) => personOf(who, 'name', platformOf(options)));
  hb.registerHelper('timespan', (ms: unknown) => formatElapsed(Number(ms)));
  // Relative to the moment of rendering; a reply is rendered right before it is sent.
  hb.registerHelper('timeago', (iso: unknown) => timeAgo(String(iso)));
  hb.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.map(String).join(isOptions(sep) ? ', ' : String(sep)) : '',
  );
}
