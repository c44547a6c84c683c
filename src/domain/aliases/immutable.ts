import { PackbotError } from '../../core/errors.js';
import type { AliasDefinition } from './types.js';

type Params = Record<string, string | null>;

/**
 * StackStorm's `inject_immutable_parameters`: once a command has matched, the alias's
 * immutable_parameters join its params. A command whose params already name one (a
 * `key=value` pair, or a placeholder or group of that name in the format) is refused rather
 * than silently overruled: whoever typed `env=prod` would otherwise get `env=dev` unawares.
 * StackStorm checks the key, whatever its value, and so does this.
 */
export function injectImmutableParameters(alias: Pick<AliasDefinition, 'name' | 'immutableParameters'>, params: Params): Params {
  const immutable = alias.immutableParameters;
  const overridden = Object.keys(immutable).filter((key) => Object.hasOwn(params, key));
  if (overridden.length > 0) {
    const names = overridden.join(',');
    // StackStorm's wording (its spelling too, so the two read alike), then the fix.
    throw new PackbotError(
      'alias_immutable_override',
      `Immutable arguments cannot be overriden: ${names}. The "${alias.name}" command always sets ${overridden.join(' and ')} itself; send it again without ${overridden.map((k) => `${k}=…`).join(' or ')}`,
    );
  }
  return { ...params, ...immutable };
}
