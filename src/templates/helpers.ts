import type Handlebars from 'handlebars';

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

export function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('code', (value: unknown) => inlineCode(value));
  hb.registerHelper('concat', (...args: unknown[]) => args.filter((a) => !isOptions(a)).map(String).join(''));
  hb.registerHelper('plural', (count: unknown, singular: unknown, pluralForm: unknown) => {
    const n = Number(count);
    const word = n === 1 ? String(singular) : isOptions(pluralForm) ? `${String(singular)}s` : String(pluralForm);
    return `${n} ${word}`;
  });
  hb.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.map(String).join(isOptions(sep) ? ', ' : String(sep)) : '',
  );
}
