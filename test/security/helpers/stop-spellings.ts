/**
 * Ways of writing POST /nodes/pve1/qemu/101/status/stop: PVE's spellings of the stop handler
 * (escaped and doubled slashes, the prefix, escaped letters), its neighbours that are harmless only
 * because PVE decodes once (%252F is the text "%2F") or refuses them, and broken escapes.
 */
export const STOP_SPELLINGS = [
  '/nodes/pve1/qemu/101/status/stop',
  '/nodes/pve1/qemu/101/status/stop%2F',
  '/nodes/pve1/qemu/101/status/stop%2f',
  '/nodes/pve1/qemu/101/status%2Fstop',
  '/nodes/pve1/qemu/101/status%2fstop',
  '/nodes/pve1/qemu/101%2F%2Fstatus/stop',
  '/nodes/pve1/qemu/101%2f%2Fstatus%2fstop%2F',
  '/nodes//pve1/qemu/101/status/stop/',
  '//nodes/pve1/qemu/101/status/stop',
  '%2Fnodes%2Fpve1%2Fqemu%2F101%2Fstatus%2Fstop',
  '%2fnodes%2Fpve1%2fqemu%2F101%2fstatus%2Fstop',
  '/nodes/pve1/qemu/101/status/stop%252F',
  '/nodes/pve1/qemu/101/status%252Fstop',
  '/nodes/pve1/qemu/101/status/stop%25252F',
  '/nodes/pve1/qemu/101/status/stop%C0%AF',
  '/nodes/pve1/qemu/101/status%C0%AFstop',
  '/nodes/pve1/qemu/101/status%E0%80%AFstop',
  '/nodes/pve1/qemu/101/status%u002Fstop',
  '/api2/json//nodes/pve1/qemu/101/status/stop',
  '/api2/json/nodes/pve1/qemu/101/status//stop//',
  '/api2%2Fjson/nodes/pve1/qemu/101/status/stop',
  '/api2/json/api2/json/nodes/pve1/qemu/101/status/stop',
  'nodes/pve1/qemu/101/status/%73%74%6F%70',
  '/nodes/pve1/qemu/%31%30%31/status/stop',
  '/%6Eodes/pve1/qemu/101/status/stop',
  '/nodes/pve1/qemu/101/status/./stop',
  '/nodes/pve1/qemu/101/status/x/../stop',
  '/nodes/pve1/qemu/101/status/%2e%2e/status/stop',
  '/nodes/pve1/qemu/101/status/stop%00',
  '/nodes/pve1/qemu/101/status/stop\\',
  '/nodes/pve1/qemu/101/status\\stop',
  '/nodes/pve1/qemu/101/status/stop\uFF0F',
  '/nodes/pve1/qemu/101/status/stop?x=1',
  ' /nodes/pve1/qemu/101/status/stop ',
];

/** A route PVE sends to a guest's stop handler (its fragments, as the simulator decodes and splits). */
export const isStop = (fragments: readonly string[]) =>
  fragments.length === 6 &&
  fragments[0] === 'nodes' &&
  (fragments[2] === 'qemu' || fragments[2] === 'lxc') &&
  fragments[4] === 'status' &&
  fragments[5] === 'stop';
