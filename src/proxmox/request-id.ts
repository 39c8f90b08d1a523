/**
 * Random per process, so ids from different runs appended to one audit file do not collide. Not a
 * secret, so Math.random: node:crypto is not loaded at stdio start-up (test/delivery/bundle.test.ts).
 */
const RUN_ID = Math.floor(Math.random() * 2 ** 32)
  .toString(16)
  .padStart(8, '0');
let requestSeq = 0;

export function nextRequestId(): string {
  return `${RUN_ID}-${(++requestSeq).toString(36)}`;
}
