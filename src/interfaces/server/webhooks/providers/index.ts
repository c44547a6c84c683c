/**
 * Reads a verified delivery into packbot's provider-neutral Delivery. Pure: call it only after
 * verifyDelivery accepted the request, with the JSON-parsed body. A push payload packbot cannot
 * read throws PackbotError('webhook_payload') naming every problem; any other event is
 * returned as ignored without looking at its body.
 */
import type { Headers } from '../headers.js';
import type { Delivery } from '../types.js';
import type { Provider } from '../../../../services/autodeploy/push-event.js';
import { parseBitbucket } from './bitbucket.js';
import { parseGithub } from './github.js';
import { parseGitlab } from './gitlab.js';

export function parseDelivery(provider: Provider, headers: Headers, body: unknown): Delivery {
  switch (provider) {
    case 'github':
      return parseGithub(headers, body);
    case 'gitlab':
      return parseGitlab(headers, body);
    case 'bitbucket':
      return parseBitbucket(headers, body);
  }
}
