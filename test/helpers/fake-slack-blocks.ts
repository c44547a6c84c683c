/**
 * Block Kit checked as Slack checks it, for the fake Slack: what Slack would refuse with
 * `invalid_blocks` is refused here too, with messages in Slack's shape
 * (`[ERROR] must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]`).
 * A reasonable subset of https://docs.slack.dev/reference/block-kit/blocks : the block types
 * packbot sends are checked field by field, a few others are let through as Slack would take
 * them, anything else is refused.
 */

export type Surface = 'message' | 'home';

/** Blocks per surface: 50 in a message, 100 in a view. */
export const MAX_BLOCKS: Record<Surface, number> = { message: 50, home: 100 };

const LIMITS = {
  sectionText: 3000, fieldText: 2000, fields: 10, headerText: 150, contextElements: 10, contextText: 3000,
  actionsElements: 25, buttonText: 75, buttonValue: 2000, buttonUrl: 3000, actionId: 255, blockId: 255,
} as const;

/** Block types Slack has that packbot does not send: accepted with no deeper look. */
const OTHER_BLOCKS = new Set(['image', 'rich_text', 'markdown', 'input', 'file', 'video']);
/** Interactive elements other than buttons: an action_id is all that is looked at. */
const OTHER_ELEMENTS = new Set(['static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select', 'overflow', 'datepicker', 'timepicker', 'checkboxes', 'radio_buttons', 'multi_static_select', 'image']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: string[] = [];

  err(message: string, pointer: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  length(value: unknown, max: number, pointer: string, min = 1): void {
    if (typeof value !== 'string') return this.err('must be a string', pointer);
    if (value.length < min) this.err(`must be more than ${min - 1} characters`, pointer);
    if (value.length > max) this.err(`must be less than ${max + 1} characters`, pointer);
  }

  text(value: unknown, max: number, pointer: string, only?: 'plain_text'): void {
    if (!isObj(value)) return this.err('must provide an object', pointer);
    const type = value['type'];
    if (type !== 'plain_text' && type !== 'mrkdwn') return this.err('must be a valid enum value', `${pointer}/type`);
    if (only && type !== only) return this.err(`must be a valid enum value (${only} only)`, `${pointer}/type`);
    if ('emoji' in value && type !== 'plain_text') this.err('emoji is only allowed on plain_text', `${pointer}/emoji`);
    if ('verbatim' in value && type !== 'mrkdwn') this.err('verbatim is only allowed on mrkdwn', `${pointer}/verbatim`);
    this.length(value['text'], max, `${pointer}/text`);
  }

  element(value: unknown, pointer: string, actionIds: Set<string>): void {
    if (!isObj(value)) return this.err('must provide an object', pointer);
    const type = value['type'];
    if (type !== 'button' && !OTHER_ELEMENTS.has(String(type))) return this.err('failed to match all allowed schemas', pointer);
    if ('action_id' in value) {
      this.length(value['action_id'], LIMITS.actionId, `${pointer}/action_id`);
      const id = String(value['action_id']);
      if (actionIds.has(id)) this.err(`duplicate action_id: ${id}`, `${pointer}/action_id`);
      actionIds.add(id);
    }
    if (type !== 'button') return;
    this.text(value['text'], LIMITS.buttonText, `${pointer}/text`, 'plain_text');
    if ('value' in value) this.length(value['value'], LIMITS.buttonValue, `${pointer}/value`);
    if ('url' in value) this.length(value['url'], LIMITS.buttonUrl, `${pointer}/url`);
    if ('style' in value && value['style'] !== 'primary' && value['style'] !== 'danger') this.err('must be a valid enum value', `${pointer}/style`);
  }

  block(block: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isObj(block)) return this.err('must provide an object', pointer);
    if ('block_id' in block) {
      this.length(block['block_id'], LIMITS.blockId, `${pointer}/block_id`);
      const id = String(block['block_id']);
      if (blockIds.has(id)) this.err(`duplicate block_id: ${id}`, `${pointer}/block_id`);
      blockIds.add(id);
    }
    // Slack expects action_ids unique within their block.
    const actionIds = new Set<string>();
    switch (block['type']) {
      case 'section': {
        const { text, fields, accessory } = block;
        if (text === undefined && fields === undefined) this.err('must provide text or fields', pointer);
        if (text !== undefined) this.text(text, LIMITS.sectionText, `${pointer}/text`);
        if (fields !== undefined) this.list(fields, LIMITS.fields, `${pointer}/fields`, (f, p) => this.text(f, LIMITS.fieldText, p));
        if (accessory !== undefined) this.element(accessory, `${pointer}/accessory`, actionIds);
        return;
      }
      case 'header':
        return this.text(block['text'], LIMITS.headerText, `${pointer}/text`, 'plain_text');
      case 'divider':
        return;
      case 'context':
        return this.list(block['elements'], LIMITS.contextElements, `${pointer}/elements`, (e, p) => {
          if (isObj(e) && e['type'] === 'image') return;
          this.text(e, LIMITS.contextText, p);
        });
      case 'actions':
        return this.list(block['elements'], LIMITS.actionsElements, `${pointer}/elements`, (e, p) => this.element(e, p, actionIds));
      default:
        if (!OTHER_BLOCKS.has(String(block['type']))) this.err('failed to match all allowed schemas', pointer);
    }
  }

  list(value: unknown, max: number, pointer: string, each: (item: unknown, pointer: string) => void): void {
    if (!Array.isArray(value)) return this.err('must provide an array', pointer);
    if (value.length === 0) this.err('must provide at least 1 item', pointer);
    if (value.length > max) this.err(`no more than ${max} items allowed`, pointer);
    value.forEach((item, i) => each(item, `${pointer}/${i}`));
  }
}

/** Slack's complaints about `blocks` on `surface` (none: Slack takes them). `pointer` is where they sit in the request. */
export function blockErrors(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const c = new Checker();
  if (!Array.isArray(blocks)) {
    c.err('must provide an array', pointer);
    return c.errors;
  }
  if (blocks.length > MAX_BLOCKS[surface]) c.err(`no more than ${MAX_BLOCKS[surface]} items allowed`, pointer);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => c.block(b, `${pointer}/${i}`, blockIds));
  return c.errors;
}

/** Slack's answer to invalid blocks. */
export function invalidBlocks(errors: string[]): Record<string, unknown> {
  return { ok: false, error: 'invalid_blocks', response_metadata: { messages: errors } };
}
