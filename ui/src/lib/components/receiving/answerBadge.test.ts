import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { setLocale } from '../../i18n/index.svelte';
import { answerBadge } from '../../receivedAnswer';
import AnswerBadge from './AnswerBadge.svelte';

describe('the answer of a received invoice in the documents list', () => {
  it('maps the response codes, and knows an answer the platform has not taken yet', () => {
    expect(answerBadge(undefined)).toBeNull();
    expect(answerBadge({ response: null, responseAt: null })).toBeNull();
    expect(answerBadge({ response: 'XX', responseAt: '2026-01-01T00:00:00Z' })).toBeNull();
    expect(answerBadge({ response: 'AP', responseAt: '2026-01-01T00:00:00Z' })).toEqual({ label: 'receive.answer.AP', tone: 'accepted', pending: false });
    expect(answerBadge({ response: 'RE', responseAt: null })).toEqual({ label: 'receive.answer.RE', tone: 'rejected', pending: true });
    expect(answerBadge({ response: 'PD', responseAt: '2026-01-01T00:00:00Z' })?.tone).toBe('paid');
  });

  it('shows accepted, rejected and paid in Dutch and English; nothing without an answer', () => {
    setLocale('nl');
    const { unmount } = render(AnswerBadge, { record: { response: 'RE', responseAt: '2026-01-01T00:00:00Z' } });
    expect(screen.getByTestId('document-answer').textContent).toBe('Afgewezen');
    expect(screen.getByTestId('document-answer').dataset.answer).toBe('rejected');
    unmount();

    const pending = render(AnswerBadge, { record: { response: 'PD', responseAt: null } });
    const badge = screen.getByTestId('document-answer');
    expect(badge.textContent).toBe('Betaald');
    expect(badge.classList.contains('pending')).toBe(true);
    expect(badge.title).toBe('Betaald (nog niet verzonden)');
    pending.unmount();

    setLocale('en');
    const english = render(AnswerBadge, { record: { response: 'AP', responseAt: '2026-01-01T00:00:00Z' } });
    expect(screen.getByTestId('document-answer').textContent).toBe('Accepted');
    english.unmount();
    setLocale('nl');

    render(AnswerBadge, { record: undefined });
    expect(screen.queryByTestId('document-answer')).toBeNull();
  });
});

