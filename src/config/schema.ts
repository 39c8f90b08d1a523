import { z } from 'zod';
import { ruleProblem } from '../safety/rules.js';
import { execPatternProblem } from '../safety/exec-policy.js';

/**
 * The shape of clusters.json. Strict objects: a misspelt key (`verify_tls`) is an error that names
 * it, not a silently ignored setting.
 */
const fingerprint = z
  .string()
  .transform((s) =>
    s
      .trim()
      .toUpperCase()
      .replace(/^SHA256[:=]/, ''),
  )
  .refine((s) => /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(s) || /^[0-9A-F]{64}$/.test(s), {
    message:
      'must be a SHA-256 fingerprint: 32 hex byte pairs separated by colons, as shown in the PVE GUI under Certificates (or by `proxmox-mcp check`)',
  })
  .transform((s) => (s.includes(':') ? s : s.match(/../g)!.join(':')));

/** `"METHOD /path/pattern"`; checked here so a bad rule is reported with its key path at start-up. */
const policyRule = z.string().superRefine((rule, ctx) => {
  const problem = ruleProblem(rule);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A command pattern such as "df *" (src/safety/exec-policy.ts). */
const execPattern = z.string().superRefine((pattern, ctx) => {
  const problem = execPatternProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Commands inside guests (QEMU agent exec), by command pattern; see src/safety/exec-policy.ts. */
export const execPolicySchema = z
  .object({
    allow: z.array(execPattern).optional(),
    deny: z.array(execPattern).optional(),
    confirm: z.array(execPattern).optional(),
    read_only_allow: z.array(execPattern).optional(),
  })
  .strict();

/** Request policy (see src/safety/policy.ts): deny wins, allow makes an allow-list, confirm asks a person. */
export const policySchema = z
  .object({
    allow: z.array(policyRule).optional(),
    deny: z.array(policyRule).optional(),
    confirm: z.array(policyRule).optional(),
    exec: execPolicySchema.optional(),
  })
  .strict();

/** See ConfirmationMode in types.ts. */
const confirmation = z.enum(['client-approval', 'strict'], {
  message:
    'must be "client-approval" (clients without elicitation: their own approval is the check; the default) or "strict" (refuse)',
});

export const clusterEntrySchema = z
  .object({
    url: z.string().min(1, 'is required, e.g. "pve1.example.com:8006"'),
    user: z
      .string()
      .regex(/^[^\s:/!@]+@[A-Za-z][A-Za-z0-9.\-_]+$/, 'must be user@realm, e.g. "mcp@pve" or "root@pam"'),
    token_id: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9.\-_]+$/,
        'must be the token name only (for mcp@pve!mytoken it is "mytoken"): a letter followed by letters, digits, ".", "-" or "_"',
      ),
    token_secret: z.string().min(1, 'is empty').optional(),
    token_secret_file: z.string().min(1).optional(),
    verify_ssl: z.boolean().optional(),
    fingerprint: fingerprint.optional(),
    ca_file: z.string().min(1).optional(),
    read_only: z.boolean().optional(),
    timeout_ms: z.number().int().min(1000).max(600_000).optional(),
    policy: policySchema.optional(),
    confirmation: confirmation.optional(),
  })
  .strict();

export const configFileSchema = z
  .object({
    $schema: z.string().optional(),
    default: z.string().optional(),
    read_only: z.boolean().optional(),
    /** The default policy of every cluster, key by key. */
    policy: policySchema.optional(),
    /** What `confirm` rules do when the person cannot be asked (per cluster too). */
    confirmation: confirmation.optional(),
    /** File that every non-GET request is appended to as one JSON line (relative to this file). */
    audit_log: z.string().min(1, 'is empty; give a file path or leave audit_log out').optional(),
    clusters: z.record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'cluster names use letters, digits, ".", "_" and "-"'),
      clusterEntrySchema,
    ),
  })
  .strict();

export type ClusterEntry = z.infer<typeof clusterEntrySchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
