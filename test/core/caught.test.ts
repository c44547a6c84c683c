import { describe, expect, it } from 'vitest';
import { errnoCode, errorMessage, isErrno } from '../../src/core/caught.js';

const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });

describe('what a caught value says', () => {
  it('reads the errno code only when it is text', () => {
    expect(errnoCode(enoent)).toBe('ENOENT');
    expect([errnoCode(new Error('x')), errnoCode({ code: 42 }), errnoCode(null), errnoCode(undefined), errnoCode('ENOENT')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('checks a code against several', () => {
    expect(isErrno(enoent, 'ENOENT', 'ENOTDIR')).toBe(true);
    expect(isErrno(enoent, 'EEXIST')).toBe(false);
    expect(isErrno(new Error('x'))).toBe(false);
  });

  it('reads a message from anything thrown', () => {
    expect([errorMessage(enoent), errorMessage('text'), errorMessage(42), errorMessage(undefined)]).toEqual(['no such file', 'text', '42', 'undefined']);
  });
});
