import { expect } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { recordOutput } from './recording.js';

/** Awaits `p`, expecting it to reject with a ConfigError, and returns that error for further checks. */
export async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    recordOutput('error', (err as ConfigError).message, { kind: 'ConfigError' });
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
