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
  rootOnly?: string[];
  taskType: (ctx: HandlerContext) => string;
  /** Synchronous refusals, before any task. */
  precheck?: (g: Guest, ctx: HandlerContext) => void;
  worker: (g: Guest, ctx: HandlerContext) => Outcome;
}

const notRunning = (label: string) => (g: Guest) => {
  if (g.status !== 'running') throw fail(`${label} ${g.vmid} not running`);
};

const timeout = (extra: Partial<PveProperty> = {}): PveProperty => ({
  ...extra,
  minimum: 0,
  optional: 1,
  type: 'integer',
});
export const flag = (withDefault = true): PveProperty => ({
  ...(withDefault ? { default: 0 } : {}),
  optional: 1,
  type: 'boolean',
});
const keepActive = flag();

export const QEMU_ACTIONS: PowerAction[] = [
  {
    action: 'start',
    name: 'vm_start',
    description: 'Starts the VM.',
    props: {
      skiplock: skiplockProp,
      timeout: timeout({ default: 'max(30, vm memory in GiB)' }),
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
    description: 'Stops the VM at once, like cutting its power (data may be lost).',
    props: {
      keepActive,
      'overrule-shutdown': flag(),
      skiplock: skiplockProp,
      timeout: timeout(),
    },
    rootOnly: ['skiplock', 'keepActive'],
    taskType: () => 'qmstop',
    worker: (g) => (lockError(g) ? { error: lockError(g) } : { apply: () => stop(g) }),
  },
  {
    action: 'shutdown',
    name: 'vm_shutdown',
    description: 'Asks the guest OS to shut down (ACPI power button).',
    props: {
      forceStop: flag(),
      keepActive,
      skiplock: skiplockProp,
      timeout: timeout(),
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
    description: 'Shuts the VM down and starts it again; pending changes take effect.',
    props: { timeout: timeout() },
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
    description: 'Hard-resets the VM.',
    props: { skiplock: skiplockProp },
    rootOnly: ['skiplock'],
    taskType: () => 'qmreset',
    precheck: notRunning('VM'),
    worker: (g) => (lockError(g) ? { error: lockError(g) } : {}),
  },
  {
    action: 'suspend',
    name: 'vm_suspend',
    description: 'Pauses the VM, or saves its state to disk.',
    props: {
      skiplock: skiplockProp,
      statestorage: {
        format: 'pve-storage-id',
        optional: 1,
        requires: 'todisk',
        type: 'string',
      },
      todisk: flag(),
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
    description: 'Resumes a paused VM.',
    props: { nocheck: flag(false), skiplock: skiplockProp },
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
    description: 'Starts the container.',
    props: { debug: flag(), skiplock: skiplockProp },
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
    description: 'Stops the container at once, killing its processes.',
    props: {
      'overrule-shutdown': flag(),
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
    description: 'Shuts the container down cleanly.',
    props: {
      forceStop: flag(),
      timeout: timeout({ default: 60 }),
    },
    taskType: () => 'vzshutdown',
    precheck: ctNotRunning,
    worker: (g) => (lockError(g) ? { error: lockError(g) } : { apply: () => stop(g) }),
  },
  {
    action: 'reboot',
    name: 'vm_reboot',
    description: 'Shuts the container down and starts it again; pending changes take effect.',
    props: { timeout: timeout() },
    taskType: () => 'vzreboot',
    // pve-container really says "VM" here.
    precheck: notRunning('VM'),
    worker: (g, ctx) => ({ apply: () => start(g, ctx.state.clock.nowSec()) }),
  },
  {
    action: 'suspend',
    name: 'vm_suspend',
    description: 'Freezes the container (experimental in PVE).',
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
    description: 'Thaws a frozen container.',
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
