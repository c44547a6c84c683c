/** What a command returns: a template name and its view model, never raw text. */
export interface Reply {
  template: string;
  data?: Record<string, unknown>;
  /** Mention the requester at the start of the message. */
  mention?: boolean;
  /** Shown after the truncation notice when the reply is too long. */
  moreHint?: string;
}

export function reply(template: string, data: Record<string, unknown> = {}, extra: Omit<Reply, 'template' | 'data'> = {}): Reply {
  return { template, data, ...extra };
}
