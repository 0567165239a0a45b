import { describe, expect, it } from 'vitest';
import { redactUrl, stripControlSequences } from '../../shared/terminal-text.ts';

describe('text from outside shown in a terminal', () => {
  it.each([
    ['\x1b[2J\x1b[Hcleared', 'cleared'],
    ['title\x1b]0;pwned\x07 set', 'title set'],
    ['hyperlink \x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\', 'hyperlink click'],
    ['over\rwrite', 'overwrite'],
    ['bell\x07 and backspace\x08', 'bell and backspace'],
    ['c1 \x9b31m csi', 'c1 31m csi'],
    ['tab\tkept', 'tab\tkept'],
    ['line\nbreak kept', 'line\nbreak kept'],
  ])('%j', (input, output) => expect(stripControlSequences(input)).toBe(output));
  it('colours survive only when asked for', () => {
    expect(stripControlSequences('\x1b[32m[agent] ok\x1b[0m\x1b[2J', { keepColors: true })).toBe('\x1b[32m[agent] ok\x1b[0m');
    expect(stripControlSequences('\x1b[32m[agent] ok\x1b[0m')).toBe('[agent] ok');
  });
  it('URLs lose their user:password', () => {
    expect(redactUrl('https://admin:s3cret@api.example:6443/path')).toBe('https://api.example:6443/path');
    expect(redactUrl('http://token@127.0.0.1:8001')).toBe('http://127.0.0.1:8001');
    expect(redactUrl('https://api.example')).toBe('https://api.example');
  });
});
