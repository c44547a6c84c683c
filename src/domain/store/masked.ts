/**
 * Every value packbot keeps passes the masker on its way in, so a credential someone pastes
 * into chat (a token typed as a branch name, say) never reaches the journal on disk or
 * Redis. Readers get the masked text back, which is all anyone should see of it.
 */
import type { Masker } from '../../core/masking/masker.js';
import type { StateStore } from './state.js';

export function maskedStore(store: StateStore, masker: Masker): StateStore {
  const mask = (value: string) => masker.mask(value);
  return {
    get: (key) => store.get(key),
    getMany: (keys) => store.getMany(keys),
    set: (key, value, opts) => store.set(key, mask(value), opts),
    setIfAbsent: (key, value, opts) => store.setIfAbsent(key, mask(value), opts),
    compareAndSet: (key, expected, value, opts) => store.compareAndSet(key, expected, value === null ? null : mask(value), opts),
    delete: (key) => store.delete(key),
    keys: (prefix) => store.keys(prefix),
    append: (list, value, max) => store.append(list, mask(value), max),
    recent: (list, limit) => store.recent(list, limit),
    increment: (key) => store.increment(key),
    indexRange: (index, offset, limit) => store.indexRange(index, offset, limit),
    indexSize: (index) => store.indexSize(index),
    // Members are masked too (deterministically), so a removal names what the add stored.
    transact: (checks, ops) => store.transact(checks, ops.map((op) => {
      if (op.op === 'set') return { ...op, value: mask(op.value) };
      if (op.op === 'index-add' || op.op === 'index-remove') return { ...op, member: mask(op.member) };
      return op;
    })),
    close: () => store.close(),
  };
}
