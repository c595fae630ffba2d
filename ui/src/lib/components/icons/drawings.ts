// Our own icon drawings (24×24, stroked), one per channel and per status of the help
// centre's "Betekenis van de iconen". Drawn for this app; no third-party icon set.

/** The four channels a document can take. */
export const channels = ['idr', 'email', 'econnect', 'peppol'] as const;
export type IconChannel = (typeof channels)[number];

/** The statuses a document can have, plus "unknown". */
export const statuses = ['pending', 'validated', 'routed', 'delivered', 'rejected', 'failed'] as const;
export type IconStatus = (typeof statuses)[number] | 'unknown';

const circle = 'M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0';

export const channelDrawings: Record<IconChannel, string> = {
  // scan & herken: a page under a magnifying glass
  idr: 'M11 21H5V3h8l4 4v4M13 3v4h4M13 17a3 3 0 1 0 6 0a3 3 0 1 0-6 0M18.2 19.2l2.3 2.3',
  // XML per e-mail: an envelope carrying </>
  email: 'M3 6h18v12H3zM3 6l9 7 9-7M8 14l-2 1.5L8 17M16 14l2 1.5-2 1.5',
  // between two eConnect organisations: two parties exchanging
  econnect: 'M2 12a3 3 0 1 0 6 0a3 3 0 1 0-6 0M16 12a3 3 0 1 0 6 0a3 3 0 1 0-6 0M9 10h6l-2-2M15 14H9l2 2',
  // via Peppol: the network around the globe
  peppol: `${circle}M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18`,
};

export const statusDrawings: Record<IconStatus, string> = {
  pending: `${circle}M12 7v5l3 2`,
  validated: 'M12 3l7 3v6c0 4-3 7-7 9-4-2-7-5-7-9V6zM9 12l2 2 4-4',
  routed: 'M3 12h14M13 7l5 5-5 5M21 5v14',
  delivered: `${circle}M8 12l3 3 5-6`,
  rejected: `${circle}M9 9l6 6M15 9l-6 6`,
  failed: 'M12 3l10 18H2zM12 10v5M12 18v.01',
  unknown: `${circle}M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.7M12 17v.01`,
};

/** The icon key of a status name as the platform writes it (`Delivered` → `delivered`). */
export function statusKey(status: string): IconStatus {
  const key = status.toLowerCase();
  return (statuses as readonly string[]).includes(key) ? (key as IconStatus) : 'unknown';
}

/** Whether a channel has an icon. */
export function isIconChannel(channel: string | null | undefined): channel is IconChannel {
  return !!channel && (channels as readonly string[]).includes(channel);
}
