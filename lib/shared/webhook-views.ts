/**
 * What the webhook and settings pages hand their components: the loaders (server) return these
 * shapes, the components (browser) render them, so neither side imports the other.
 */

/** A policy's target as the pages show it (no secrets). payloadFormat is "" for Slack targets. */
export type TargetView = {
  id: number;
  type: string;
  address: string;
  payloadFormat: string;
  status: string;
  pausedReason: string | null;
  pausedAt: Date | null;
};

/** The latest execution of a policy, for the "last delivery" column. */
export type LastDeliveryView = {
  id: number;
  status: string;
  startTime: Date;
  endTime: Date | null;
  eventType: string;
};

/** One row of the webhook policy grid. */
export type PolicyRowView = {
  id: number;
  name: string;
  description: string;
  enabled: boolean;
  createdAt: Date;
  creator: string;
  eventTypes: string[];
  targets: TargetView[];
  last: LastDeliveryView | null;
};

/** The system settings as the settings form edits them (the registry token only as "set or not"). */
export type SettingsView = {
  webhooksEnabled: boolean;
  maxAttempts: number;
  httpTimeoutSeconds: number;
  allowedNetworks: string;
  retentionCount: number;
  retentionDays: number;
  destinationLimit: number;
  signingOverlapHours: number;
  skippedEvents: number;
  registryTokenSet: boolean;
  /** The SMTP server of email targets; the password only as whether one is stored. */
  smtpHost: string;
  smtpPort: number;
  smtpTlsMode: string;
  smtpUser: string;
  smtpFrom: string;
  smtpPasswordSet: boolean;
  updatedAt: Date;
};
