import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Organisation } from '../../backend';
import ReceivePrompt from './ReceivePrompt.svelte';
import ReceiveSwitch from './ReceiveSwitch.svelte';

const backend = vi.hoisted(() => ({
  receivePrompt: vi.fn(),
  decideReceivePrompt: vi.fn(),
  setReceiving: vi.fn(),
}));

vi.mock('../../backend', async () => {
  const { fakeBackend } = await import('../../../test/fakeBackend');
  return fakeBackend(backend);
});

const ok = <T>(value: T) => ({ ok: true as const, value });
const candidates = [
  { id: '0106:56012934', name: 'Hoveniersbedrijf Groenrijk', kvk: '56012934', receive: 'notRegistered' },
  { id: '0106:05167723', name: 'Autobedrijf Smit Zwolle B.V.', kvk: '05167723', receive: 'notRegistered' },
  { id: '0106:61844390', name: 'Fietsenmakerij Het Wiel', kvk: '61844390', receive: 'off' },
];

beforeEach(() => {
  for (const fn of Object.values(backend)) fn.mockReset();
  backend.decideReceivePrompt.mockResolvedValue(ok(null));
});

describe('the receive pop-up', () => {
  it('lists the organisations, explains the cost and takes each answer', async () => {
    backend.receivePrompt.mockResolvedValue(ok(candidates));
    backend.setReceiving.mockResolvedValue(ok({ partyId: '0106:56012934', receive: 'on', changedOn: null }));
    render(ReceivePrompt);
    const dialog = await screen.findByTestId('receive-prompt');
    expect(dialog.textContent).toContain('transactietegoed');
    expect(dialog.textContent).toContain('standaard uit');
    expect(screen.getAllByTestId('receive-candidate')).toHaveLength(3);

    const [first, second, third] = screen.getAllByTestId('receive-enable');
    await fireEvent.click(first!);
    expect(backend.setReceiving).toHaveBeenCalledWith('0106:56012934', true);
    expect((await screen.findByTestId('receive-candidate-result')).textContent).toContain('Aan');
    void second;
    void third;
    await fireEvent.click(screen.getAllByTestId('receive-not-now')[0]!);
    expect(backend.decideReceivePrompt).toHaveBeenCalledWith('0106:05167723', 'notNow');
    await fireEvent.click(screen.getAllByTestId('receive-never')[0]!);
    expect(backend.decideReceivePrompt).toHaveBeenCalledWith('0106:61844390', 'never');
    await fireEvent.click(screen.getByTestId('receive-prompt-close'));
    await waitFor(() => expect(screen.queryByTestId('receive-prompt')).toBeNull());
  });

  it('shows a refusal per organisation, and closing means "niet nu" for the rest', async () => {
    backend.receivePrompt.mockResolvedValue(ok(candidates.slice(0, 2)));
    backend.setReceiving.mockResolvedValue({ ok: false, error: { code: 'no_receive_permission', message: '403' } });
    render(ReceivePrompt);
    await fireEvent.click((await screen.findAllByTestId('receive-enable'))[0]!);
    expect((await screen.findByTestId('receive-candidate-error')).textContent).toContain('recht "ontvangen"');
    await fireEvent.click(screen.getByTestId('receive-prompt-close'));
    await waitFor(() => expect(backend.decideReceivePrompt).toHaveBeenCalledTimes(2));
    expect(backend.decideReceivePrompt).toHaveBeenCalledWith('0106:05167723', 'notNow');
  });

  it('shows nothing when there is nothing to ask', async () => {
    backend.receivePrompt.mockResolvedValue(ok([]));
    render(ReceivePrompt);
    await waitFor(() => expect(backend.receivePrompt).toHaveBeenCalled());
    expect(screen.queryByTestId('receive-prompt')).toBeNull();
  });
});

describe('the receive switch on an organisation', () => {
  const org: Organisation = {
    id: '0106:56012934',
    name: 'Hoveniersbedrijf Groenrijk',
    kvk: '56012934',
    permissions: { canSendDocument: true, canReceiveDocument: true, canRemoveDocument: false, canManageHook: false, canChangeDocumentStatus: false },
    receive: 'notRegistered',
    documentCount: 0,
  };

  it('switches receiving on and says so', async () => {
    backend.setReceiving.mockResolvedValue(ok({ partyId: org.id, receive: 'on', changedOn: null }));
    render(ReceiveSwitch, { organisation: org });
    await fireEvent.click(screen.getByTestId('receive-toggle'));
    expect(backend.setReceiving).toHaveBeenCalledWith(org.id, true);
    expect((await screen.findByTestId('receive-result')).textContent).toContain('staat nu aan');
  });

  it('without the receive permission offers no switch and says why', () => {
    render(ReceiveSwitch, { organisation: { ...org, permissions: { ...org.permissions, canReceiveDocument: false } } });
    expect(screen.queryByTestId('receive-toggle')).toBeNull();
    expect(screen.getByTestId('receive-no-permission').textContent).toContain('beheerder');
  });
});
