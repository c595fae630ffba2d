// Which help topic to show: "?" links anywhere ask for one, the app opens the Help page on it.

/** The nine help-centre topics, in the order of the Help page. */
export const helpTopics = [
  'setup',
  'signUp',
  'members',
  'users',
  'receiving',
  'maintenance',
  'icons',
  'emailAddresses',
  'settings',
] as const;
export type HelpTopic = (typeof helpTopics)[number];

const state = $state({ topic: null as HelpTopic | null, requests: 0 });

/** Asks the app to show a help topic (or the list, with null). */
export function openHelp(topic: HelpTopic | null): void {
  state.topic = topic;
  state.requests++;
}

/** The topic asked for last (null: the list). */
export function helpTopic(): HelpTopic | null {
  return state.topic;
}

/** Moves with every request, so the app can navigate even to the same topic again. */
export function helpRequests(): number {
  return state.requests;
}
