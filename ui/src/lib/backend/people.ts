// People and receiving calls: users, members, roles, profile, the receive pop-up.
import {
  commands,
  type AddressCheck,
  type CreatedUser,
  type Member,
  type Members,
  type NewUser,
  type Permissions,
  type Profile,
  type PromptChoice,
  type ReceiveCandidate,
  type ReceiveOutcome,
  type RoleDefinition,
  type RolePreset,
  type UserDirectory,
} from './bindings';

export type {
  AddressCheck,
  CreatedUser,
  IntakeAddresses,
  Member,
  Members,
  NewUser,
  Profile,
  PromptChoice,
  ReceiveCandidate,
  ReceiveOutcome,
  RoleDefinition,
  RolePreset,
  UserDirectory,
  UserOrganisation,
  UserRole,
  UserSummary,
} from './bindings';

/** An error as it crosses from Rust: a stable code and a detail message. */
interface PeopleCallError {
  code: string;
  message: string;
}

/** The outcome of a call; errors are values, never thrown. */
export type PeopleOutcome<T> = { ok: true; value: T } | { ok: false; error: PeopleCallError };

type SpectaResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: PeopleCallError };

async function settle<T>(run: () => Promise<SpectaResult<T>>): Promise<PeopleOutcome<T>> {
  try {
    const result = await run();
    return result.status === 'ok' ? { ok: true, value: result.data } : { ok: false, error: result.error };
  } catch (cause) {
    // Thrown only when the IPC bridge itself fails (e.g. the page runs outside Tauri).
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}

/** The users of the environment, from the cache. */
export function users(): Promise<PeopleOutcome<UserDirectory>> {
  return settle(() => commands.users());
}

/** The role presets with their permissions (mapped in the engine only). */
export async function rolePresets(): Promise<PeopleOutcome<RoleDefinition[]>> {
  try {
    return { ok: true, value: await commands.rolePresets() };
  } catch (cause) {
    return { ok: false, error: { code: 'ipc_unavailable', message: String(cause) } };
  }
}

/** Checks an e-mail address: format and the environment's domain. */
export function checkAddress(address: string): Promise<PeopleOutcome<AddressCheck>> {
  return settle(() => commands.checkAddress(address));
}

/** Creates a user; the answer holds the initial password, shown once. */
export function createUser(request: NewUser): Promise<PeopleOutcome<CreatedUser>> {
  return settle(() => commands.createUser(request));
}

/** Gives a user a role preset on all their organisations. */
export function setUserRole(name: string, role: RolePreset): Promise<PeopleOutcome<null>> {
  return settle(() => commands.setUserRole(name, role));
}

/** Deletes a user. */
export function deleteUser(name: string): Promise<PeopleOutcome<null>> {
  return settle(() => commands.deleteUser(name));
}

/** Who has access to an organisation. */
export function members(party: string): Promise<PeopleOutcome<Members>> {
  return settle(() => commands.members(party));
}

/** Gives a user access to an organisation. */
export function addMember(party: string, user: string, permissions: Permissions): Promise<PeopleOutcome<Member>> {
  return settle(() => commands.addMember(party, user, permissions));
}

/** Takes a user's access to an organisation away. */
export function removeMember(party: string, user: string): Promise<PeopleOutcome<null>> {
  return settle(() => commands.removeMember(party, user));
}

/** The signed-in user's addresses and the organisations' intake addresses. */
export function profile(): Promise<PeopleOutcome<Profile>> {
  return settle(() => commands.profile());
}

/** Opens the web platform's profile page in the browser. */
export function openPlatformProfile(): Promise<PeopleOutcome<null>> {
  return settle(() => commands.openPlatformProfile());
}

/** The organisations the receive pop-up asks about now. */
export function receivePrompt(): Promise<PeopleOutcome<ReceiveCandidate[]>> {
  return settle(() => commands.receivePrompt());
}

/** Remembers "niet nu" or "niet meer vragen". */
export function decideReceivePrompt(party: string, choice: PromptChoice): Promise<PeopleOutcome<null>> {
  return settle(() => commands.decideReceivePrompt(party, choice));
}

/** Switches receiving on or off for an organisation. */
export function setReceiving(party: string, on: boolean): Promise<PeopleOutcome<ReceiveOutcome>> {
  return settle(() => commands.setReceiving(party, on));
}
