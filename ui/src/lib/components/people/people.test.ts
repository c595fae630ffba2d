import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n/index.svelte';
import Profile from '../../../pages/Profile.svelte';
import Users from '../../../pages/Users.svelte';
import MembersTab from './MembersTab.svelte';

const none = { canSendDocument: false, canReceiveDocument: false, canRemoveDocument: false, canManageHook: false, canChangeDocumentStatus: false };
const basic = { ...none, canSendDocument: true, canReceiveDocument: true };
const all = { canSendDocument: true, canReceiveDocument: true, canRemoveDocument: true, canManageHook: true, canChangeDocumentStatus: true };
const presets = [
  { role: 'basic', permissions: basic },
  { role: 'advanced', permissions: { ...basic, canRemoveDocument: true, canChangeDocumentStatus: true } },
  { role: 'administrator', permissions: all },
];

const backend = vi.hoisted(() => ({
  members: vi.fn(),
  addMember: vi.fn(),
  removeMember: vi.fn(),
  users: vi.fn(),
  createUser: vi.fn(),
  checkAddress: vi.fn(),
  deleteUser: vi.fn(),
  profile: vi.fn(),
  openPlatformProfile: vi.fn(),
}));

vi.mock('../../backend', async () => {
  const { fakeBackend } = await import('../../../test/fakeBackend');
  return fakeBackend({ ...backend, rolePresets: () => Promise.resolve({ ok: true, value: presets }) });
});

const ok = <T>(value: T) => ({ ok: true as const, value });

beforeEach(() => {
  for (const fn of Object.values(backend)) fn.mockReset();
});
afterEach(() => setLocale('nl'));

describe('Leden', () => {
  const adminList = {
    partyId: '0106:1',
    canManage: true,
    members: [{ name: 'demo@voorbeeld.nl', permissions: all, role: 'administrator', isSelf: true }],
    candidates: ['medewerker@voorbeeld.nl'],
  };

  it('lets an administrator add a member with a role preset', async () => {
    backend.members.mockResolvedValue(ok(adminList));
    backend.addMember.mockResolvedValue(ok({ name: 'medewerker@voorbeeld.nl', permissions: basic, role: 'basic', isSelf: false }));
    render(MembersTab, { party: '0106:1', name: 'Bakkerij' });
    await fireEvent.click(await screen.findByTestId('member-add'));
    expect(screen.getByTestId('member-add-dialog').textContent).toContain('Lid toevoegen aan Bakkerij');
    await fireEvent.click(await screen.findByTestId('preset-basic'));
    await fireEvent.click(screen.getByTestId('member-add-submit'));
    await waitFor(() => expect(backend.addMember).toHaveBeenCalledWith('0106:1', 'medewerker@voorbeeld.nl', basic));
    expect((await screen.findByTestId('members-notice')).textContent).toContain('medewerker@voorbeeld.nl is nu lid');
  });

  it('lets an administrator choose the five permissions one by one', async () => {
    backend.members.mockResolvedValue(ok(adminList));
    backend.addMember.mockResolvedValue(ok({ name: 'medewerker@voorbeeld.nl', permissions: none, role: null, isSelf: false }));
    render(MembersTab, { party: '0106:1', name: 'Bakkerij' });
    await fireEvent.click(await screen.findByTestId('member-add'));
    await fireEvent.click(await screen.findByTestId('preset-custom'));
    for (const key of ['canSendDocument', 'canReceiveDocument']) {
      const box = screen.getByTestId(`permission-${key}`) as HTMLInputElement;
      if (box.checked) await fireEvent.click(box);
    }
    await fireEvent.click(screen.getByTestId('permission-canManageHook'));
    await fireEvent.click(screen.getByTestId('member-add-submit'));
    await waitFor(() =>
      expect(backend.addMember).toHaveBeenCalledWith('0106:1', 'medewerker@voorbeeld.nl', { ...none, canManageHook: true }),
    );
  });

  it('removes a member only after confirming, and shows a refusal translated', async () => {
    backend.members.mockResolvedValue(ok({ ...adminList, members: [...adminList.members, { name: 'x@voorbeeld.nl', permissions: basic, role: 'basic', isSelf: false }] }));
    backend.removeMember.mockResolvedValue({ ok: false, error: { code: 'admin_only', message: '403' } });
    render(MembersTab, { party: '0106:1', name: 'Bakkerij' });
    const buttons = await screen.findAllByTestId('member-remove');
    await fireEvent.click(buttons[1]!);
    expect(backend.removeMember).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('member-remove-confirm'));
    expect(backend.removeMember).toHaveBeenCalledWith('0106:1', 'x@voorbeeld.nl');
    expect((await screen.findByTestId('members-error')).textContent).toContain('Alleen beheerders');
  });

  it('does not let administrators remove their own access, and says why', async () => {
    backend.members.mockResolvedValue(ok({ ...adminList, members: [...adminList.members, { name: 'x@voorbeeld.nl', permissions: basic, role: 'basic', isSelf: false }] }));
    render(MembersTab, { party: '0106:1', name: 'Bakkerij' });
    const buttons = (await screen.findAllByTestId('member-remove')) as HTMLButtonElement[];
    expect(buttons[0]!.disabled).toBe(true);
    expect(buttons[1]!.disabled).toBe(false);
    const reason = screen.getByTestId('member-remove-self-reason');
    expect(reason.textContent).toContain('eigen toegang');
    expect(buttons[0]!.getAttribute('aria-describedby')).toBe(reason.id);
    await fireEvent.click(buttons[0]!);
    expect(screen.queryByTestId('member-remove-confirm')).toBeNull();
  });

  it('shows a non-administrator their own access read-only, with the reason', async () => {
    backend.members.mockResolvedValue(
      ok({ partyId: '0106:1', canManage: false, members: [{ name: 'medewerker@voorbeeld.nl', permissions: basic, role: 'basic', isSelf: true }], candidates: [] }),
    );
    render(MembersTab, { party: '0106:1', name: 'Bakkerij' });
    expect((await screen.findByTestId('members-read-only')).textContent).toContain('Alleen beheerders');
    expect(screen.queryByTestId('member-add')).toBeNull();
    expect(screen.queryByTestId('member-remove')).toBeNull();
    expect(screen.getAllByTestId('member-row')).toHaveLength(1);
  });
});

describe('Gebruikers', () => {
  const directory = {
    canManage: true,
    environmentDomain: 'voorbeeld.nl',
    users: [
      { name: 'demo@voorbeeld.nl', role: { kind: 'preset', preset: 'administrator' }, organisations: [], isSelf: true },
      { name: 'medewerker@voorbeeld.nl', role: { kind: 'custom' }, organisations: [], isSelf: false },
    ],
  };

  it('creates a user and shows the initial password once, warning about another domain', async () => {
    backend.users.mockResolvedValue(ok(directory));
    backend.checkAddress.mockResolvedValue(ok({ address: 'iemand@gmail.com', valid: true, environmentDomain: 'voorbeeld.nl', otherDomain: true }));
    backend.createUser.mockResolvedValue(
      ok({
        name: 'iemand@gmail.com',
        initialPassword: 'Xy7-abcdEFGH2345',
        check: { address: 'iemand@gmail.com', valid: true, environmentDomain: 'voorbeeld.nl', otherDomain: true },
        failedOrganisations: [],
      }),
    );
    render(Users);
    expect(await screen.findAllByTestId('user-row')).toHaveLength(2);
    await fireEvent.click(screen.getByTestId('user-new'));
    await fireEvent.input(screen.getByTestId('user-email'), { target: { value: 'iemand@gmail.com' } });
    await fireEvent.blur(screen.getByTestId('user-email'));
    expect((await screen.findByTestId('user-other-domain')).textContent).toContain('gmail.com');
    await fireEvent.click(await screen.findByTestId('user-role-advanced'));
    await fireEvent.click(screen.getByTestId('user-create-submit'));
    expect((await screen.findByTestId('initial-password')).textContent).toBe('Xy7-abcdEFGH2345');
    expect(backend.createUser).toHaveBeenCalledWith({ name: 'iemand@gmail.com', role: 'advanced', organisations: [] });
    expect(screen.getByTestId('copy-password')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('user-created-done'));
    expect(screen.queryByTestId('initial-password')).toBeNull();
  });

  it('refuses an invalid address before asking the platform', async () => {
    backend.users.mockResolvedValue(ok(directory));
    backend.checkAddress.mockResolvedValue(ok({ address: 'fout', valid: false, environmentDomain: 'voorbeeld.nl', otherDomain: false }));
    render(Users);
    await fireEvent.click(await screen.findByTestId('user-new'));
    await fireEvent.input(screen.getByTestId('user-email'), { target: { value: 'fout' } });
    await fireEvent.click(screen.getByTestId('user-create-submit'));
    expect(await screen.findByTestId('user-email-invalid')).toBeTruthy();
    expect(backend.createUser).not.toHaveBeenCalled();
  });

  it('deletes only after confirming and never offers to delete yourself', async () => {
    backend.users.mockResolvedValue(ok(directory));
    backend.deleteUser.mockResolvedValue(ok(null));
    render(Users);
    const deletes = await screen.findAllByTestId('user-delete');
    expect(deletes).toHaveLength(1);
    await fireEvent.click(deletes[0]!);
    expect(backend.deleteUser).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('user-delete-confirm'));
    expect(backend.deleteUser).toHaveBeenCalledWith('medewerker@voorbeeld.nl');
    expect((await screen.findByTestId('users-notice')).textContent).toContain('verwijderd');
  });

  it('tells a non-administrator why there is nothing to manage', async () => {
    backend.users.mockResolvedValue(ok({ canManage: false, environmentDomain: 'voorbeeld.nl', users: [] }));
    render(Users);
    expect((await screen.findByTestId('users-not-admin')).textContent).toContain('Alleen beheerders');
    expect(screen.queryByTestId('user-new')).toBeNull();
  });
});

describe('Profiel', () => {
  const data = {
    username: 'demo@voorbeeld.nl',
    displayName: 'Demo',
    addresses: ['demo@voorbeeld.nl'],
    environmentDomain: 'voorbeeld.nl',
    intake: [
      { partyId: '0106:30187412', name: 'Bakkerij', purchase: '30187412@inkoopfacturen.econnect.eu', sales: '30187412@verkoopfacturen.econnect.eu' },
      { partyId: '0088:1', name: 'Zonder KvK', purchase: null, sales: null },
    ],
    platformUrl: 'https://platform.econnect.eu',
  };

  it('lists the addresses and intake mailboxes with copy buttons', async () => {
    backend.profile.mockResolvedValue(ok(data));
    render(Profile);
    expect((await screen.findByTestId('profile-address')).textContent).toBe('demo@voorbeeld.nl');
    expect(screen.getByTestId('intake-purchase').textContent).toBe('30187412@inkoopfacturen.econnect.eu');
    expect(screen.getByTestId('intake-sales').textContent).toBe('30187412@verkoopfacturen.econnect.eu');
    expect(screen.getAllByTestId('intake-row')[1]!.textContent).toContain('Geen KvK-nummer');
    const writeText = vi.fn(() => Promise.resolve());
    Object.assign(navigator, { clipboard: { writeText } });
    await fireEvent.click(screen.getByTestId('copy-intake-purchase'));
    expect(writeText).toHaveBeenCalledWith('30187412@inkoopfacturen.econnect.eu');
    expect((await screen.findByTestId('copy-intake-purchase')).textContent).toContain('Gekopieerd');
  });

  it('explains the shared-environment risk of another domain and opens the platform', async () => {
    backend.profile.mockResolvedValue(ok(data));
    backend.checkAddress.mockResolvedValue(ok({ address: 'x@gmail.com', valid: true, environmentDomain: 'voorbeeld.nl', otherDomain: true }));
    backend.openPlatformProfile.mockResolvedValue(ok(null));
    render(Profile);
    expect((await screen.findByTestId('profile-extra')).textContent).toContain('alleen op het webplatform');
    await fireEvent.input(screen.getByTestId('extra-address'), { target: { value: 'x@gmail.com' } });
    await fireEvent.click(screen.getByTestId('extra-check'));
    const warning = await screen.findByTestId('extra-other-domain');
    expect(warning.textContent).toContain('gedeeld');
    expect(warning.textContent).toContain('risico');
    await fireEvent.click(screen.getByTestId('extra-open-platform'));
    expect(backend.openPlatformProfile).toHaveBeenCalled();
    expect(await screen.findByTestId('extra-opened')).toBeTruthy();
  });
});
