import { configFileSchema } from '../config/schema.js';
import type { InitAnswers } from './answers.js';

/** Every answer settled (the certificate fetched, if asked). */
export type ResolvedAnswers = InitAnswers;

/**
 * The starter clusters.json. JSON has no comments, so the explanation goes to the terminal and the
 * README; the file holds only what the loader reads, in the order a person reads it.
 */
export function buildConfigFile(a: ResolvedAnswers): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    url: a.url,
    user: a.user,
    token_id: a.tokenId,
    ...(a.secret.kind === 'env'
      ? { token_secret: `\${${a.secret.variable}}` }
      : { token_secret_file: a.secret.path }),
    ...(a.tls.kind === 'fingerprint' ? { fingerprint: a.tls.value } : {}),
    ...(a.tls.kind === 'insecure' ? { verify_ssl: false } : {}),
    read_only: a.readOnly,
  };
  const file = { default: a.name, clusters: { [a.name]: entry } };
  // Whatever init writes, the loader must accept (interpolation aside): fail here, not at first start.
  const parsed = configFileSchema.safeParse(file);
  if (!parsed.success) throw new Error(`init built an invalid clusters.json: ${parsed.error.message}`);
  return file;
}

export function renderConfigFile(file: Record<string, unknown>): string {
  return JSON.stringify(file, null, 2) + '\n';
}
