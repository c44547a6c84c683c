import { describe, expect, it } from 'vitest';
import { EVENT_SHAPE, isEventLine, parseConsoleEvent } from '../../../adapters/console/event.js';

describe('isEventLine', () => {
  it.each([
    ['{"text":"hi"}', true],
    ['  {"text":"hi"}', true],
    ['{', true],
    ['!help', false],
    ['@alice {"text":"hi"}', false],
    ['', false],
  ])('%j → %s', (line, expected) => {
    expect(isEventLine(line)).toBe(expected);
  });
});

describe('parseConsoleEvent', () => {
  it.each([
    ['{"text":"!help"}', { text: '!help' }],
    [
      '{"id":"evt-1","user":"alice","channel":"ops","thread":"1700000000.000100","direct":true,"text":"pack list"}',
      { id: 'evt-1', user: 'alice', channel: 'ops', thread: '1700000000.000100', direct: true, text: 'pack list' },
    ],
    ['{"id":"slack:T1:C2:1.5","text":"x"}', { id: 'slack:T1:C2:1.5', text: 'x' }],
    ['{"id":"' + 'a'.repeat(100) + '","text":"x"}', { id: 'a'.repeat(100), text: 'x' }],
    ['{"direct":false,"text":"hello"}', { direct: false, text: 'hello' }],
    // Multi-line and padded text is something only an event can send; it arrives as given.
    ['{"text":"  line one\\nline two "}', { text: '  line one\nline two ' }],
    ['{"text":"' + 'x'.repeat(4000) + '"}', { text: 'x'.repeat(4000) }],
    ['   {"text":"leading blanks"}  ', { text: 'leading blanks' }],
  ])('accepts %s', (line, event) => {
    expect(parseConsoleEvent(line)).toEqual({ ok: true, event });
  });

  it.each([
    ['{', /not valid JSON \(.+\)/],
    ['{"text":"hi"} trailing', /not valid JSON/],
    ['{text: "hi"}', /not valid JSON/],
    ['{}', /"text" is required/],
    ['{"user":"alice"}', /"text" is required/],
    ['{"text":5}', /"text" must be a string, got a number/],
    ['{"text":null}', /"text" must be a string, got null/],
    ['{"text":"   "}', /"text" must not be blank/],
    ['{"text":"' + 'x'.repeat(4001) + '"}', /"text" is 4001 characters; at most 4000 are allowed/],
    ['{"text":"hi","extra":1}', /unknown field "extra"/],
    ['{"text":"hi","a":1,"b":2}', /unknown fields "a", "b"/],
    ['{"text":"hi","__proto__":{}}', /unknown field "__proto__"/],
    ['{"text":"hi","user":"al ice"}', /"user" must be 1-100 characters from A-Z a-z 0-9 _ \. : -, got "al ice"/],
    ['{"text":"hi","user":""}', /"user" must be 1-100 characters/],
    ['{"text":"hi","user":"é"}', /"user" must be 1-100 characters/],
    ['{"text":"hi","channel":"#ops"}', /"channel" must be 1-100 characters.*got "#ops"/],
    ['{"text":"hi","thread":"a/b"}', /"thread" must be 1-100 characters/],
    ['{"text":"hi","id":"' + 'a'.repeat(101) + '"}', /"id" must be 1-100 characters.*got "a{37}\.\.\."/],
    ['{"text":"hi","id":7}', /"id" must be a string, got a number/],
    ['{"text":"hi","direct":"yes"}', /"direct" must be a boolean, got a string/],
  ])('rejects %s', (line, problem) => {
    const r = parseConsoleEvent(line);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/^bad event line: /);
    expect(r.error).toMatch(problem);
    expect(r.error.endsWith(`; expected ${EVENT_SHAPE}`)).toBe(true);
    expect(r.error).not.toContain('\n');
  });

  it('names every problem of one event at once', () => {
    const r = parseConsoleEvent('{"user":"a b","direct":1,"colour":"red"}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('"user" must be');
    expect(r.error).toContain('"direct" must be a boolean, got a number');
    expect(r.error).toContain('"text" is required');
    expect(r.error).toContain('unknown field "colour"');
  });

  it('keeps control characters from the input out of the error line', () => {
    const r = parseConsoleEvent('{"text": \u001b[31mhi}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).not.toMatch(/[\x00-\x1f\x7f]/);
  });
});
