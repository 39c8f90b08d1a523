import { fail } from '../errors.js';
import { markStarted as start, markStopped as stop, type Guest } from '../fleet.js';
import type { HandlerContext, PveProperty } from '../route-types.js';
import { lockError } from './helpers.js';
import { skiplockProp } from './props.js';

/**
 * The power actions, as data: schema extras, synchronous refusals and what the worker does. As in
 * qemu-server/pve-container, some refusals are synchronous (500 before a task exists: "VM 102 not running"
 * for reboot, "CT 200 already running" for a container start) and others happen inside the worker (a VM
 * start that is already running returns a UPID and the task fails).
 */

/** What the worker will do, decided when the task starts; `apply` runs when it ends successfully. */
export interface Outcome {
  error?: string;
  lines?: readonly string[];
  apply?: () => void;
}

export interface PowerAction {
  action: string;
  name: string;
  description: string;
  props: Record<string, PveProperty>;
  permissionsDescription?: string;
  rootOnly?: string[];
  taskType: (ctx: HandlerContext) => string;
  /** Synchronous refusals, before any task. */
  precheck?: (g: Guest, ctx: HandlerContext) => void;
  worker: (g: Guest, ctx: HandlerContext) => Outcome;
}

const notRunning = (label: string) => (g: Guest) => {
  if (g.status !== 'running') throw fail(`${label} ${g.vmid} not running`);
};

const timeout = (description: string, extra: Partial<PveProperty> = {}): PveProperty => ({
  ...extra,
  description,
  minimum: 0,
  optional: 1,
  type: 'integer',
  typetext: '<integer> (0 - N)',
});
export const flag = (description: string | undefined, withDefault = true): PveProperty => ({
  ...(withDefault ? { default: 0 } : {}),
  ...(description === undefined ? {} : { description }),
  optional: 1,
  type: 'boolean',
  typetext: '<boolean>',
});
const keepActive = flag('Do not deactivate storage volumes.');

export const QEMU_ACTIONS: PowerAction[] = [
  {
    action: 'start',
    name: 'vm_start',
    description: 'Start virtual machine.',
    props: {
      skiplock: skiplockProp,
      timeout: timeout('Wait maximal timeout seconds.', { default: 'max(30, vm memory in GiB)' }),
    },
    rootOnly: ['skiplock'],
    taskType: () => 'qmstart',
    worker: (g, ctx) => {
      if (g.config.template === 1) return { error: "you can't start a vm if it's a template" };
      if (g.config.lock !== 'suspended' && lockError(g)) return { error: lockError(g) };
      if (g.status === 'running') return { error: `VM ${g.vmid} already running` };
      if (g.startFailure) return { lines: g.startFailure.lines, error: g.startFailure.error };
      return { apply: () => start(g, ctx.state.clock.nowSec()) };
    },
  },
  {
    action: 'stop',
    name: 'vm_stop',
    description:
      'Stop virtual machine. The qemu process will exit immediately. This is akin to pulling the power plug of a running computer and may damage the VM data.',
    props: {
      keepActive,
      'overrule-shutdown': flag("Try to abort active 'qmshutdown' tasks before stopping."),
      skiplock: skiplockProp,
      timeout: timeout('Wait maximal timeout seconds.'),
    },
    rootOnly: ['skiplock', 'keepActive'],
    taskType: () => 'qmstop',
    worker: (g) => (lockError(g) ? { error: lockError(g) } : { apply: () => stop(g) }),
  },
  {
    action: 'shutdown',
    name: 'vm_shutdown',
    description:
      'Shutdown virtual machine. This is similar to pressing the power button on a physical machine. This will send an ACPI event for the guest OS, which should then proceed to a clean shutdown.',
    props: {
      forceStop: flag('Make sure the VM stops.'),
      keepActive,
      skiplock: skiplockProp,
      timeout: timeout('Wait maximal timeout seconds.'),
    },
    rootOnly: ['skiplock', 'keepActive'],
    taskType: () => 'qmshutdown',
    precheck: (g, ctx) => {
      if (g.paused && !ctx.params.bool('forceStop')) throw fail('VM is paused - cannot shutdown');
    },
    worker: (g) => (lockError(g) ? { error: lockError(g) } : { apply: () => stop(g) }),
  },
  {
    action: 'reboot',
    name: 'vm_reboot',
    description: 'Reboot the VM by shutting it down, and starting it again. Applies pending changes.',
    props: { timeout: timeout('Wait maximal timeout seconds for the shutdown.') },
    taskType: () => 'qmreboot',
    precheck: (g) => {
      if (g.paused) throw fail('VM is paused - cannot shutdown');
      notRunning('VM')(g);
    },
    worker: (g, ctx) => ({ apply: () => start(g, ctx.state.clock.nowSec()) }),
  },
  {
    action: 'reset',
    name: 'vm_reset',
    description: 'Reset virtual machine.',
    props: { skiplock: skiplockProp },
    rootOnly: ['skiplock'],
    taskType: () => 'qmreset',
    precheck: notRunning('VM'),
    worker: (g) => (lockError(g) ? { error: lockError(g) } : {}),
  },
  {
    action: 'suspend',
    name: 'vm_suspend',
    description: 'Suspend virtual machine.',
    permissionsDescription:
      "You need 'VM.PowerMgmt' on /vms/{vmid}, and if you have set 'todisk', you need also 'VM.Config.Disk' on /vms/{vmid} and 'Datastore.AllocateSpace' on the storage for the vmstate.",
    props: {
      skiplock: skiplockProp,
      statestorage: {
        description: 'The storage for the VM state',
        format: 'pve-storage-id',
        format_description: 'storage ID',
        optional: 1,
        requires: 'todisk',
        type: 'string',
        typetext: '<storage ID>',
      },
      todisk: flag('If set, suspends the VM to disk. Will be resumed on next VM start.'),
    },
    rootOnly: ['skiplock'],
    taskType: (ctx) => (ctx.params.bool('todisk') ? 'qmsuspend' : 'qmpause'),
    precheck: notRunning('VM'),
    worker: (g, ctx) => {
      if (lockError(g)) return { error: lockError(g) };
      if (!ctx.params.bool('todisk')) return { apply: () => void (g.paused = true) };
      const storage = ctx.params.str('statestorage') ?? 'local-lvm';
      return {
        lines: [
          `saving VM state and RAM using storage '${storage}'`,
          'completed saving the VM state in 4s, saved 1.22 GiB',
        ],
        apply: () => {
          stop(g);
          g.config.lock = 'suspended';
        },
      };
    },
  },
  {
    action: 'resume',
    name: 'vm_resume',
    description: 'Resume virtual machine.',
    props: { nocheck: flag(undefined, false), skiplock: skiplockProp },
    rootOnly: ['skiplock', 'nocheck'],
    taskType: () => 'qmresume',
    precheck: (g) => {
      if (g.config.lock !== 'suspended') notRunning('VM')(g);
    },
    worker: (g, ctx) => ({
      apply: () =>
        g.config.lock === 'suspended' ? start(g, ctx.state.clock.nowSec()) : void (g.paused = false),
    }),
  },
];

const ctNotRunning = notRunning('CT');
const ctRunning = (g: Guest): void => {
  if (g.status === 'running') throw fail(`CT ${g.vmid} already running`);
};

export const LXC_ACTIONS: PowerAction[] = [
  {
    action: 'start',
    name: 'vm_start',
    description: 'Start the container.',
    props: { debug: flag('If set, enables very verbose debug log-level on start.'), skiplock: skiplockProp },
    rootOnly: ['skiplock'],
    taskType: () => 'vzstart',
    precheck: ctRunning,
    worker: (g, ctx) => {
      if (g.config.template === 1) return { error: "you can't start a CT if it's a template" };
      if (lockError(g)) return { error: lockError(g) };
      return { apply: () => start(g, ctx.state.clock.nowSec()) };
    },
  },
  {
    action: 'stop',
    name: 'vm_stop',
    description: 'Stop the container. This will abruptly stop all processes running in the container.',
    props: {
      'overrule-shutdown': flag("Try to abort active 'vzshutdown' tasks before stopping."),
      skiplock: skiplockProp,
    },
    rootOnly: ['skiplock'],
    taskType: () => 'vzstop',
    precheck: ctNotRunning,
    worker: (g) => (lockError(g) ? { error: lockError(g) } : { apply: () => stop(g) }),
  },
  {
    action: 'shutdown',
    name: 'vm_shutdown',
    description:
      'Shutdown the container. This will trigger a clean shutdown of the container, see lxc-stop(1) for details.',
    props: {
      forceStop: flag('Make sure the Container stops.'),
      timeout: timeout('Wait maximal timeout seconds.', { default: 60 }),
    },
    taskType: () => 'vzshutdown',
    precheck: ctNotRunning,
    worker: (g) => (lockError(g) ? { error: lockError(g) } : { apply: () => stop(g) }),
  },
  {
    action: 'reboot',
    name: 'vm_reboot',
    description: 'Reboot the container by shutting it down, and starting it again. Applies pending changes.',
    props: { timeout: timeout('Wait maximal timeout seconds for the shutdown.') },
    taskType: () => 'vzreboot',
    // pve-container really says "VM" here.
    precheck: notRunning('VM'),
    worker: (g, ctx) => ({ apply: () => start(g, ctx.state.clock.nowSec()) }),
  },
  {
    action: 'suspend',
    name: 'vm_suspend',
    description: 'Suspend the container. This is experimental.',
    props: {},
    taskType: () => 'vzsuspend',
    precheck: ctNotRunning,
    worker: (g) =>
      lockError(g)
        ? { error: lockError(g) }
        : {
            apply: () => {
              stop(g);
              g.checkpointed = true;
            },
          },
  },
  {
    action: 'resume',
    name: 'vm_resume',
    description: 'Resume the container.',
    props: {},
    taskType: () => 'vzresume',
    precheck: ctRunning,
    worker: (g, ctx) =>
      g.checkpointed
        ? { apply: () => start(g, ctx.state.clock.nowSec()) }
        : {
            error: `command 'lxc-checkpoint -n ${g.vmid} -r --foreground -D /var/lib/vz/dump' failed: exit code 1`,
          },
  },
];
