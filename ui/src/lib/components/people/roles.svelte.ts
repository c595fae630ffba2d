// The role presets as the engine maps them (the one place of that mapping is Rust); fetched once.
import { type Permissions, type RoleDefinition, type RolePreset, rolePresets } from '../../backend';

const state = $state({ presets: [] as RoleDefinition[] });
// Plain (not reactive): read from templates, where state must not change synchronously.
let loading = false;

/** The presets, fewest rights first (empty until loaded). */
export function presets(): RoleDefinition[] {
  if (state.presets.length === 0 && !loading) {
    loading = true;
    rolePresets().then((outcome) => {
      if (outcome.ok) state.presets = outcome.value;
      loading = false;
    });
  }
  return state.presets;
}

/** The permissions of a preset (none when the presets are not loaded yet). */
export function permissionsOf(role: RolePreset): Permissions | null {
  return state.presets.find((p) => p.role === role)?.permissions ?? null;
}

/** The five permission keys, in the platform's order. */
export const permissionKeys = [
  'canSendDocument',
  'canReceiveDocument',
  'canRemoveDocument',
  'canManageHook',
  'canChangeDocumentStatus',
] as const satisfies readonly (keyof Permissions)[];

/** The catalogue key of each permission's name. */
export const permissionLabels = {
  canSendDocument: 'permission.send',
  canReceiveDocument: 'permission.receive',
  canRemoveDocument: 'permission.remove',
  canManageHook: 'permission.hooks',
  canChangeDocumentStatus: 'permission.status',
} as const;
