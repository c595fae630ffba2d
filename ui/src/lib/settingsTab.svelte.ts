// Which section of Instellingen is open; kept while the app runs (not across restarts:
// a restart opens Persoonlijk).

/** The sections, in the order the tabs show them. */
export const settingsTabs = ['personal', 'environment', 'connection', 'folders', 'channel', 'maintenance', 'data'] as const;
export type SettingsTab = (typeof settingsTabs)[number];

const state = $state({ tab: 'personal' as SettingsTab });

/** The open section. */
export function settingsTab(): SettingsTab {
  return state.tab;
}

/** Opens a section (e.g. the banner's link to Onderhoud). */
export function setSettingsTab(tab: SettingsTab): void {
  state.tab = tab;
}
