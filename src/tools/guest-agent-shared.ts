import type { ClusterHandle } from '../clusters/registry.js';
import type { RequestContext } from '../proxmox/client.js';
import { ProxmoxError, ProxmoxHttpError } from '../proxmox/errors.js';
import { describeError } from './error-result.js';
import { findGuest, guestLabel, type GuestRow } from './guest-lookup.js';

/**
 * What the guest agent tools share: finding the VM (containers have no agent API), turning PVE's agent
 * errors into what to fix, and reading the bytes PVE hands back.
 */

/** A QEMU VM by VMID; a container is an error that says what PVE offers instead. */
export async function findAgentGuest(
  cluster: ClusterHandle,
  vmid: number,
  opts: { signal?: AbortSignal; context?: RequestContext },
): Promise<GuestRow> {
  const guest = await findGuest(cluster, vmid, opts);
  if (guest.type === 'lxc') {
    throw new ProxmoxError(
      'REFUSED',
      `${guestLabel(guest)} is a container, and PVE has no API to run commands or read files in containers (the QEMU guest agent is for VMs; \`pct exec ${vmid} -- <cmd>\` and \`pct pull\` work only in a shell on node ${guest.node}). Alternatives: get_guest for its status, config and IPs; proxmox_api_call GET /nodes/${guest.node}/lxc/${vmid}/interfaces for its addresses; or run the command yourself over SSH to the container.`,
      { cluster: cluster.name, method: 'POST', path: `/nodes/${guest.node}/lxc/${vmid}` },
    );
  }
  return guest;
}

/** PVE 9 split the agent privileges; PVE 8 used VM.Monitor for all of them. */
const PRIVILEGES =
  'Guest agent privileges (PVE 9): exec and exec-status need VM.GuestAgent.Unrestricted; file-read VM.GuestAgent.FileRead; file-write VM.GuestAgent.FileWrite (PVE 8: VM.Monitor for all).';

/** Proxmox's agent errors with the step that fixes them; anything else as describeError says it. */
export function describeAgentError(err: unknown, guest: GuestRow, cluster: ClusterHandle): string {
  const general = describeError(err, cluster.config);
  if (!(err instanceof ProxmoxHttpError)) return general;
  const text = `${err.detail} ${err.bodyMessage ?? ''}`;
  // The advice below replaces the general "see the node's journal" sentence.
  const base = general.replace(/ The message is Proxmox's own;.*$/s, '');
  const label = guestLabel(guest);
  if (err.code === 'PERMISSION_DENIED') return `${base}\n${PRIVILEGES}`;
  if (/No QEMU guest agent configured|QEMU guest agent is not enabled/.test(text))
    return `${base}\nThe guest agent is not enabled in the config of ${label}: run \`qm set ${guest.vmid} --agent enabled=1\` on node ${guest.node} (or proxmox_api_call PUT /nodes/${guest.node}/qemu/${guest.vmid}/config with agent "enabled=1"), install qemu-guest-agent in the guest, then stop and start the VM (a reboot inside the guest does not add the agent's device).`;
  if (/QEMU guest agent is not running/.test(text))
    return `${base}\nqemu-guest-agent is not running inside ${label}: install and start it in the guest (Debian/Ubuntu: apt install qemu-guest-agent && systemctl enable --now qemu-guest-agent; RHEL: dnf install qemu-guest-agent; Windows: the virtio-win guest tools).`;
  if (/VM \d+ is not running/.test(text))
    return `${base}\n${label} is stopped: start it (guest_action start) and wait until the agent answers.`;
  if (/Failed to execute child process/.test(text))
    return `${base}\nThe program was not found in the guest: check its name or give its full path (e.g. /usr/bin/df). No shell runs the command, so shell builtins (cd, export, source) and pipes do not exist.`;
  if (/got timeout/.test(text))
    return `${base}\nThe guest agent did not answer in time: the guest may be busy or the agent hung; retry later, or restart qemu-guest-agent in the guest.`;
  return base;
}

/** The failure as a ProxmoxError whose message is describeAgentError's advice (run-tool shows it). */
export function agentFailure(err: unknown, guest: GuestRow, cluster: ClusterHandle): unknown {
  if (!(err instanceof ProxmoxError)) return err;
  return new ProxmoxError(err.code, describeAgentError(err, guest, cluster), err.facts, { cause: err });
}

/**
 * PVE decodes the agent's base64 and JSON-encodes the raw bytes as if each were a Latin-1 character,
 * so UTF-8 text arrives as mojibake: the bytes are recovered from the character codes. A string with
 * characters above U+00FF was not written that way and is taken as it is.
 */
export function bytesFromPve(text: string): Buffer {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(text) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

/** UTF-8 text when the bytes are text (a character cut at the end is tolerated), else undefined. */
export function utf8Text(bytes: Buffer, cutAtEnd: boolean): string | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let drop = 0; drop <= (cutAtEnd ? 3 : 0) && drop <= bytes.length; drop++) {
    try {
      const text = decoder.decode(bytes.subarray(0, bytes.length - drop));
      // NUL and most control characters mean binary, even where they are valid UTF-8.
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(text)) return undefined;
      return text;
    } catch {
      // try with one byte less: a multi-byte character cut by the read
    }
  }
  return undefined;
}
