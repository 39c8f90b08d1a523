import { SchemaParseError } from './errors.js';
import type { ApiTreeNode } from './types.js';

// A PVE node serves `/pve-docs/api-viewer/apidoc.js`: `const apiSchema = [ … ];` followed by the
// viewer's own JavaScript (PBS/PDM write `var apiSchema = [`). The text comes from the network, so
// it is never evaluated: we find the one JSON value after the marker by bracket matching and hand
// exactly that slice to JSON.parse.

/** Real schemas (PVE 8.4 to 9.2) nest 23 levels; ten times that is still far from any stack limit. */
const MAX_SCHEMA_DEPTH = 256;

const MARKER = /\b(?:const|var|let)\s+apiSchema\s*=\s*/;

/** Parses apidoc.js text, or a plain JSON array of tree nodes (the files in shared/pve). */
export function parseApidocJs(text: string): ApiTreeNode[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const start = findStart(body);
  const end = findValueEnd(body, start);
  let value: unknown;
  try {
    value = JSON.parse(body.slice(start, end));
  } catch (err) {
    throw new SchemaParseError(`apiSchema is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return checkTree(value);
}

function findStart(text: string): number {
  const first = text.search(/\S/);
  if (first >= 0 && text[first] === '[') return first;
  const marker = MARKER.exec(text);
  if (!marker) {
    throw new SchemaParseError(
      "no 'const apiSchema = [' found: this does not look like apidoc.js (an HTML login or error page?)",
    );
  }
  const at = marker.index + marker[0].length;
  if (text[at] !== '[') {
    throw new SchemaParseError(
      `expected '[' after 'apiSchema =', found ${JSON.stringify(text.slice(at, at + 20))}`,
    );
  }
  return at;
}

/** Index just past the bracket that closes the value opening at `start`. */
function findValueEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      stack.push(c === '[' ? ']' : '}');
      // Walkers of the tree recurse; a hostile depth must fail here, with a reason, not overflow there.
      if (stack.length > MAX_SCHEMA_DEPTH) {
        throw new SchemaParseError(
          `apiSchema nests deeper than ${MAX_SCHEMA_DEPTH} levels at offset ${i} (real PVE schemas nest about 25): not a Proxmox VE API schema`,
        );
      }
    } else if (c === ']' || c === '}') {
      if (stack.pop() !== c) {
        throw new SchemaParseError(`unbalanced '${c}' at offset ${i} in apiSchema`);
      }
      if (stack.length === 0) return i + 1;
    }
  }
  const where = inString ? 'inside a string' : `${stack.length} bracket(s) still open`;
  throw new SchemaParseError(
    `apiSchema JSON is cut off after ${text.length - start} characters (${where}); the download was truncated`,
  );
}

function checkTree(value: unknown): ApiTreeNode[] {
  if (!Array.isArray(value)) throw new SchemaParseError('apiSchema is not a JSON array');
  const bad = value.findIndex(
    (node) => typeof node !== 'object' || node === null || typeof (node as ApiTreeNode).path !== 'string',
  );
  if (bad >= 0) throw new SchemaParseError(`apiSchema entry ${bad} is not a tree node with a 'path'`);
  return value as ApiTreeNode[];
}
