/** The fields PVE encodes in a task id (pve-common PVE/UPID.pm). */
export interface Upid {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  /** Unix epoch seconds. */
  starttime: number;
  type: string;
  id: string;
  user: string;
}

const UPID_RE =
  /^UPID:([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

/** Parses a UPID; the node it names is where the task's status and log live. Undefined if malformed. */
export function parseUpid(upid: string): Upid | undefined {
  const m = UPID_RE.exec(upid.trim());
  if (!m) return undefined;
  const [, node = '', pid = '', pstart = '', starttime = '', type = '', id = '', user = ''] = m;
  return {
    upid: upid.trim(),
    node,
    pid: parseInt(pid, 16),
    pstart: parseInt(pstart, 16),
    starttime: parseInt(starttime, 16),
    type,
    id,
    user,
  };
}

export function isUpid(value: unknown): value is string {
  return typeof value === 'string' && parseUpid(value) !== undefined;
}
