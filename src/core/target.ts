/**
 * Where a message goes: a channel (and thread) on a platform, and the user to mention when the
 * message asks for a mention. The one chat destination type, from the coordinator's events to
 * the responder.
 */
export interface Target {
  platform: string;
  channel: string;
  thread?: string;
  /** The platform user id to mention, when the reply asks for a mention. */
  user?: string;
}
