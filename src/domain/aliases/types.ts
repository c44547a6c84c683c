/** StackStorm's ack/result: a packbot template name, or StackStorm's own object (kept as is). */
export type AliasReplySpec =
  | string
  | { enabled?: boolean; format?: string; append_url?: boolean; extra?: Record<string, unknown> };

export type ConfirmPolicy = 'always' | 'when_queued' | 'never';

export interface AliasFormat {
  /** What help shows: `<required>` and `[optional]`. */
  display: string;
  /** The format strings actually matched, most specific first by convention; none for a help-only display. */
  representation: string[];
}

export interface AliasDefinition {
  name: string;
  description: string;
  enabled: boolean;
  /** Handler name in src/commands. */
  command: string;
  permission: string;
  confirm?: ConfirmPolicy;
  ack?: AliasReplySpec;
  result?: AliasReplySpec;
  help?: string;
  formats: AliasFormat[];
  /** Always set, whatever the user typed (StackStorm's immutable_parameters). */
  immutableParameters: Record<string, string>;
  /** StackStorm fields packbot carries but does not act on. */
  actionRef?: string;
  pack?: string;
  extra?: Record<string, unknown>;
  /** The alias file it came from (as given to the loader). */
  file: string;
}

export interface AliasMatch {
  alias: AliasDefinition;
  /** The representation that matched. */
  format: string;
  /** null: a param the text didn't reach and that has no default (as StackStorm's None). */
  params: Record<string, string | null>;
}

export type MatchResult =
  | { kind: 'match'; match: AliasMatch }
  | { kind: 'ambiguous'; candidates: AliasMatch[] }
  | { kind: 'none'; closest?: { alias: AliasDefinition; display: string } };
