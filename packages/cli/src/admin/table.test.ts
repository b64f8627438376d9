import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('aligns columns under upper-case headings, numbers to the right', () => {
    const table = formatTable(
      ['channel', 'subscribers', 'tenant'],
      [
        ['room:1', 12, 'acme'],
        ['lobby', 3, undefined],
      ],
    );
    expect(table).toBe(
      ['CHANNEL  SUBSCRIBERS  TENANT', 'room:1            12  acme', 'lobby              3'].join(
        '\n',
      ),
    );
  });

  it('shows the empty text when there are no rows', () => {
    expect(formatTable(['channel'], [], 'no channel')).toBe('no channel');
  });
});
