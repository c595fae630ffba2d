import { render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import VirtualRows from './VirtualRows.svelte';

// jsdom has no layout: `bind:clientHeight` needs a ResizeObserver that never fires.
vi.stubGlobal(
  'ResizeObserver',
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  },
);

// A raw snippet renders its HTML once: the effect keeps the text in step with its row.
const row = createRawSnippet((name: () => string) => ({
  render: () => '<span data-testid="row"></span>',
  setup: (node: Element) => {
    $effect(() => {
      node.textContent = name();
    });
  },
}));

function rows(): string[] {
  return screen.queryAllByTestId('row').map((r) => r.textContent ?? '');
}

describe('VirtualRows', () => {
  it('keeps the rows on screen while a new key reloads them, then shows the new ones', async () => {
    const first = async () => ['a1', 'a2', 'a3'];
    const props = { total: 3, key: 'k1', load: first, row, testid: 'list', label: 'Lijst' };
    const view = render(VirtualRows<string>, { props });
    await screen.findAllByTestId('row');
    expect(rows()).toEqual(['a1', 'a2', 'a3']);

    let answer: (rows: string[]) => void = () => {};
    const second = () => new Promise<string[]>((resolve) => (answer = resolve));
    await view.rerender({ ...props, key: 'k2', load: second });
    expect(rows(), 'no blank list while the reload is on its way').toEqual(['a1', 'a2', 'a3']);

    answer(['b1', 'b2', 'b3']);
    await screen.findByText('b1');
    expect(rows()).toEqual(['b1', 'b2', 'b3']);
  });
});
