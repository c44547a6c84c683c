/**
 * The fake Slack's App Home: `views.publish` answered as Slack answers it (the view's blocks
 * checked as Slack checks them), each person's home as it stands, and the payloads Slack sends
 * when someone opens their home (`app_home_opened`) or clicks a button on it (`block_actions`
 * from a view: no channel, no message).
 */
import { blockErrors, invalidBlocks } from './fake-slack-blocks.js';

export interface HomeView {
  id: string;
  type: 'home';
  blocks: Array<Record<string, unknown>>;
  /** How many times it was published. */
  version: number;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Each person's App Home, and views.publish. */
export class FakeHomes {
  /** The home each user sees now, by user id. */
  readonly views = new Map<string, HomeView>();
  private error: string | null = null;
  private counter = 0;

  /** Make views.publish answer `{ok: false, error}` (e.g. `not_enabled`: the Home tab is off); null: answer again. */
  fail(error: string | null): void {
    this.error = error;
  }

  /** views.publish: `view` is JSON text, as the Web API client sends it. */
  publish(p: Record<string, string>): Record<string, unknown> {
    const user = p['user_id'] ?? '';
    if (!USER_ID.test(user)) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] invalid `user_id`'] } };
    let view: Record<string, unknown>;
    try {
      view = JSON.parse(p['view'] ?? '') as Record<string, unknown>;
    } catch {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must provide an object [json-pointer:/view]'] } };
    }
    if (view['type'] !== 'home') return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be a valid enum value [json-pointer:/view/type]'] } };
    if (this.error) return { ok: false, error: this.error };
    const errors = blockErrors(view['blocks'], 'home', '/view/blocks');
    if (errors.length > 0) return invalidBlocks(errors);
    const known = this.views.get(user);
    this.counter += 1;
    const stored: HomeView = { id: known?.id ?? `V${String(this.counter).padStart(8, '0')}`, type: 'home', blocks: view['blocks'] as HomeView['blocks'], version: (known?.version ?? 0) + 1 };
    this.views.set(user, stored);
    return { ok: true, view: { ...stored, team_id: 'T0000001', hash: `${1_700_000_000 + this.counter}.abc`, state: { values: {} } } };
  }
}

/** The DM channel between a user and the bot (where app_home_opened says the home is). */
export const dmOf = (user: string) => `D${user.slice(1)}`;

/** `app_home_opened` as Slack sends it when `user` opens the Home tab (`tab: messages` for the Messages tab). */
export function homeOpenedEvent(user: string, tab: 'home' | 'messages' = 'home', view?: HomeView): Record<string, unknown> {
  return { type: 'app_home_opened', user, channel: dmOf(user), tab, event_ts: '1710000000.000100', ...(view ? { view: { id: view.id, type: 'home', blocks: view.blocks } } : {}) };
}

/** A click on a button of `user`'s home as Slack sends it: the view it was on, no channel, no message. */
export function homeClickPayload(user: string, action: { action_id: string; value: string }, view: HomeView | undefined, trigger: string): Record<string, unknown> {
  return {
    type: 'block_actions', trigger_id: trigger, api_app_id: 'A0000001', token: 'legacy-verification-token',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0000001' },
    team: { id: 'T0000001', domain: 'fake' },
    container: { type: 'view', view_id: view?.id ?? 'V00000000' },
    view: { id: view?.id ?? 'V00000000', type: 'home', blocks: view?.blocks ?? [], team_id: 'T0000001', state: { values: {} } },
    actions: [{ type: 'button', action_id: action.action_id, block_id: 'home', value: action.value, action_ts: '1710000000.000200', text: { type: 'plain_text', text: 'x' } }],
  };
}
