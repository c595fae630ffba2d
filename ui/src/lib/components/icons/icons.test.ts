import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n/index.svelte';
import Help from '../../../pages/Help.svelte';
import StatusBadge from '../StatusBadge.svelte';
import { channels, statusKey } from './drawings';
import IconLegend from './IconLegend.svelte';

vi.mock('../../backend', async () => {
  const { fakeBackend } = await import('../../../test/fakeBackend');
  return fakeBackend();
});

afterEach(() => setLocale('nl'));

describe('document icons', () => {
  it('draws the channel and status of a row, each with a tooltip', () => {
    render(StatusBadge, { status: 'Delivered', channel: 'peppol', direction: 'sent' });
    const channel = screen.getByTestId('channel-icon');
    expect(channel.getAttribute('title')).toBe('Via het Peppol-netwerk');
    expect(channel.querySelector('title')?.textContent).toBe('Via het Peppol-netwerk');
    expect(screen.getByTestId('status-icon').getAttribute('title')).toBe('Afgeleverd');
  });

  it('maps unknown statuses and channels safely', () => {
    expect(statusKey('Something')).toBe('unknown');
    render(StatusBadge, { status: 'Something', channel: 'fax', direction: 'received' });
    expect(screen.queryByTestId('channel-icon')).toBeNull();
    expect(screen.getByTestId('status-icon').getAttribute('data-status')).toBe('unknown');
  });

  it('explains every channel and status in the legend, in both languages', async () => {
    render(IconLegend);
    expect(screen.getAllByTestId('legend-channel')).toHaveLength(channels.length);
    expect(screen.getAllByTestId('legend-status')).toHaveLength(6);
    expect(screen.getByTestId('icon-legend').textContent).toContain('scan & herken');
    setLocale('en');
    await tick();
    expect(screen.getByTestId('icon-legend').textContent).toContain('scan & recognise');
  });
});

describe('Help', () => {
  it('lists the nine help-centre topics and opens the icon legend', async () => {
    const onnavigate = vi.fn();
    render(Help, { onnavigate });
    const topics = screen.getByTestId('help-topics');
    expect(topics.querySelectorAll('li')).toHaveLength(9);
    await fireEvent.click(screen.getByTestId('help-open-icons'));
    expect(screen.getByTestId('page-title').textContent).toBe('Betekenis van de iconen op het platform');
    expect(screen.getByTestId('icon-legend')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('help-go'));
    expect(onnavigate).toHaveBeenCalledWith('documents');
    await fireEvent.click(screen.getByTestId('help-back'));
    expect(screen.getByTestId('help-topics')).toBeTruthy();
  });
});
