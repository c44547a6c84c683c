import { describe, expect, it } from 'vitest';
import { renderMarkup } from '../../../adapters/console/markup.js';

const plain = (text: string) => renderMarkup(text, { color: false });
const ansi = (text: string) => renderMarkup(text, { color: true });

describe('renderMarkup: chat markup → terminal text (plain)', () => {
  it('drops bold, italic and strike markers, keeping the words', () => {
    expect(plain('▶ @alice is deploying *hello* from demo _feature-x_ (id `a148d57f`).'))
      .toBe('▶ @alice is deploying hello from demo feature-x (id `a148d57f`).');
    expect(plain('~gone~ and *two words*')).toBe('gone and two words');
  });

  it('leaves underscores and stars that are not emphasis alone', () => {
    expect(plain('actions check_http, open_on_endpoint_down and __init__.py')).toBe('actions check_http, open_on_endpoint_down and __init__.py');
    expect(plain('globs: packs/* and 2 * 3 = 6, a*b*c')).toBe('globs: packs/* and 2 * 3 = 6, a*b*c');
    expect(plain('snake_case_name _ and * alone')).toBe('snake_case_name _ and * alone');
  });

  it('keeps code spans verbatim: no emphasis inside them', () => {
    expect(plain('run `pack deploy *all*` or `a_b_c` now')).toBe('run `pack deploy *all*` or `a_b_c` now');
    expect(plain('``x `y` z`` done')).toBe('``x `y` z`` done');
  });

  it('turns Slack mentions, channels and links into readable text; leaves <placeholders> alone', () => {
    expect(plain('hi <@U123> and <@U9|bob> in <#C42|ops> <!here>')).toBe('hi @U123 and @bob in #ops @here');
    expect(plain('see <https://example.com/x?a=1|the docs> or <https://example.com>')).toBe('see the docs (https://example.com/x?a=1) or https://example.com');
    expect(plain('Usage: `pack deploy <repo> [packs]`, <branch> too')).toBe('Usage: `pack deploy <repo> [packs]`, <branch> too');
  });

  it('decodes the entities Slack text carries', () => {
    expect(plain('a &lt;b&gt; &amp;&amp; c &amp;lt;')).toBe('a <b> && c &lt;');
  });

  it('shows the emoji codes packbot uses as glyphs and leaves unknown ones as they are', () => {
    expect(plain(':white_check_mark: ok :x: no :warning: hm :lock: :unlock: :hourglass_flowing_sand: :information_source:'))
      .toBe('✅ ok ❌ no ⚠️ hm 🔒 🔓 ⏳ ℹ️');
    expect(plain(':not_an_emoji: at 10:30:00')).toBe(':not_an_emoji: at 10:30:00');
  });

  it('strips control characters a terminal would act on, keeping lines and tabs', () => {
    expect(plain('a\x1b[2Jb\x07c\r\n\td\x9be')).toBe('a[2Jbc\n\tde');
  });
});

describe('renderMarkup: with colour', () => {
  it('shows bold, italic, strike and code with ANSI styles and without their markers', () => {
    expect(ansi('*hello* _master_ ~old~ `a1b2`')).toBe('\x1b[1mhello\x1b[22m \x1b[3mmaster\x1b[23m \x1b[9mold\x1b[29m \x1b[36ma1b2\x1b[39m');
  });

  it('styles a code span holding backticks by its content', () => {
    expect(ansi('``a`b`` x')).toBe('\x1b[36ma`b\x1b[39m x');
  });

  it('styles each line on its own, so a reset never spills into the next line', () => {
    expect(ansi('*a\nb*')).toBe('*a\nb*');
    expect(ansi('• *x*\n• _y_')).toBe('• \x1b[1mx\x1b[22m\n• \x1b[3my\x1b[23m');
  });
});
