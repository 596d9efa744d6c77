/** Cluster-wide session recording mode (`session_recording` in Teleport's cluster config). */
export const ClusterRecordingMode = { Off: 'off', Node: 'node', Proxy: 'proxy', NodeSync: 'node-sync', ProxySync: 'proxy-sync' } as const;
export type ClusterRecordingMode = (typeof ClusterRecordingMode)[keyof typeof ClusterRecordingMode];

/** The part of a role's options that decides desktop recording. */
export interface RoleRecordingOptions {
  /** `record_session.desktop`; Teleport's default is true. */
  recordSession?: { desktop?: boolean };
}

export interface RecordingPolicy {
  recorded: boolean;
  /** How events reach storage; undefined when not recorded. */
  mode: 'sync' | 'async' | undefined;
}

/**
 * Whether a desktop session is recorded: the cluster mode must not be `off`, and at least one of
 * the user's roles must record desktop sessions (one role that records wins, as in Teleport).
 * `*-sync` modes write each event before the session goes on; the others buffer and upload.
 */
export function recordingPolicy(clusterMode: ClusterRecordingMode, roles: readonly RoleRecordingOptions[]): RecordingPolicy {
  const roleRecords = roles.length === 0 || roles.some((role) => role.recordSession?.desktop ?? true);
  if (clusterMode === 'off' || !roleRecords) return { recorded: false, mode: undefined };
  return { recorded: true, mode: clusterMode.endsWith('-sync') ? 'sync' : 'async' };
}
