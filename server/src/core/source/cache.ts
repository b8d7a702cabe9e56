// A persisted cache of per-file facts, keyed by the file's content, so a
// restart reads facts instead of parsing. An entry is trusted only when its
// header names this analysis version and its payload's checksum matches: a
// corrupt, truncated, foreign or half-written entry is ignored (and the file
// parsed again), never used.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { DefaultDeserializer, serialize } from 'node:v8';
import { packFacts, unpackFacts } from './packed';
import type { PackedFacts } from './packed';
import type { SourceFacts } from './rust';

const MAGIC = Buffer.from('RCF1');
/** MAGIC, the version (20 bytes), the payload's sha1 (20 bytes), the payload's length (u32). */
const HEADER = MAGIC.length + 20 + 20 + 4;

/**
 * The analysis version: a hash of the code that computes facts (the worker
 * script and the modules beside it that it loads) and of the grammar, so any
 * change to either starts a new cache rather than trusting facts an older
 * build computed.
 */
export function analysisVersion(codeFiles: string[]): string {
  const hash = createHash('sha1');
  for (const file of codeFiles) {
    try {
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update(`missing:${file}`);
    }
  }
  return hash.digest('hex');
}

const isFacts = (value: unknown): value is SourceFacts =>
  typeof value === 'object' && value !== null && typeof (value as SourceFacts).byteHash === 'string';

/** How an entry is written and read back: what v8 serializes for it, and the entry from what it deserialized (undefined if none). */
export interface Codec<T> {
  encode(entry: T): unknown;
  decode(value: unknown): T | undefined;
}

/** A file's facts, with their items in columns (see packed.ts). */
const factsCodec: Codec<SourceFacts> = {
  encode: packFacts,
  decode: (value) => (isFacts(value) ? unpackFacts(value as unknown as PackedFacts) : undefined),
};

/** Entries written as they are, and read back when `isEntry` accepts what was read. */
export function checkedCodec<T>(isEntry: (value: unknown) => value is T): Codec<T> {
  return { encode: (entry) => entry, decode: (value) => (isEntry(value) ? value : undefined) };
}

/** v8's serialization of a file's facts, as a worker thread sends them and the cache keeps them. */
export const serializeFacts = (facts: SourceFacts): Uint8Array => serialize(packFacts(facts));

/**
 * Node's deserializer makes each typed array a view of the bytes it reads:
 * one kept array keeps the whole payload, and rust-src's 5,400 payloads are
 * some 110 MB. Each array here gets memory of its own.
 */
class OwnedArrays extends DefaultDeserializer {
  _readHostObject(): unknown {
    const view = (DefaultDeserializer.prototype as unknown as { _readHostObject(): unknown })._readHostObject.call(this);
    if (Buffer.isBuffer(view)) return Buffer.from(view);
    return ArrayBuffer.isView(view) && !(view instanceof DataView) ? (view as Uint8Array).slice() : view;
  }
}

/** A payload's entry (v8's serialization of it), or undefined when it does not deserialize to one that `decode` accepts. */
function deserializeEntry<T>(payload: Uint8Array, decode: (value: unknown) => T | undefined): T | undefined {
  try {
    const reader = new OwnedArrays(payload);
    reader.readHeader();
    return decode(reader.readValue());
  } catch {
    return undefined;
  }
}

/** A file's facts from the payload a worker thread sent (see worker.ts), checked as an entry's are. */
export const deserializeFacts = (payload: Uint8Array): SourceFacts | undefined => deserializeEntry(payload, factsCodec.decode);

/** Entries of one kind (a file's facts by default), each read back by `codec` once its checksum holds. */
export class FactCache<T = SourceFacts> {
  private readonly dir: string;
  private readonly versionBytes: Buffer;

  /** `root`: the cache folder; entries go in a subfolder named after `version` (40 hex digits). */
  constructor(
    root: string,
    readonly version: string,
    private readonly codec: Codec<T> = factsCodec as unknown as Codec<T>,
  ) {
    this.dir = path.join(root, version);
    this.versionBytes = Buffer.from(version, 'hex');
    if (this.versionBytes.length !== 20) throw new Error(`analysis version must be a sha1 in hex, got ${version}`);
  }

  /** Where the entry for `key` lives: two levels, so no folder holds more than a few hundred files. */
  private entryPath(key: string): string {
    const name = createHash('sha1').update(key).digest('hex');
    return path.join(this.dir, name.slice(0, 2), name.slice(2));
  }

  /** The key of a file's facts: its bytes' hash and what the analysis was asked for. */
  static key(byteHash: string, libName: string, nearMiss: boolean): string {
    return `${byteHash}\0${libName}\0${nearMiss ? 1 : 0}`;
  }

  get(key: string): T | undefined {
    const payload = this.getPayload(key);
    return payload && this.deserialize(payload);
  }

  /** The facts in an entry's bytes, or undefined when anything about them is off. */
  decode(data: Buffer): T | undefined {
    const payload = this.payloadOf(data);
    return payload && this.deserialize(payload);
  }

  /**
   * An entry's payload, its header and checksum verified, not yet deserialized: a worker thread hands
   * it on as it is, and the thread that uses the facts deserializes it once (see `deserializeFacts`).
   */
  getPayload(key: string): Uint8Array | undefined {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.entryPath(key));
    } catch {
      return undefined;
    }
    return this.payloadOf(data);
  }

  private payloadOf(data: Buffer): Uint8Array | undefined {
    if (data.length < HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    if (!data.subarray(MAGIC.length, MAGIC.length + 20).equals(this.versionBytes)) return undefined;
    const sum = data.subarray(MAGIC.length + 20, MAGIC.length + 40);
    const length = data.readUInt32LE(MAGIC.length + 40);
    const payload = data.subarray(HEADER);
    if (payload.length !== length) return undefined;
    if (!createHash('sha1').update(payload).digest().equals(sum)) return undefined;
    return payload;
  }

  private deserialize(payload: Uint8Array): T | undefined {
    return deserializeEntry(payload, this.codec.decode);
  }

  encode(facts: T): Buffer {
    return this.encodePayload(serialize(this.codec.encode(facts)));
  }

  private encodePayload(payload: Uint8Array): Buffer {
    const header = Buffer.alloc(HEADER);
    MAGIC.copy(header, 0);
    this.versionBytes.copy(header, MAGIC.length);
    createHash('sha1').update(payload).digest().copy(header, MAGIC.length + 20);
    header.writeUInt32LE(payload.length, MAGIC.length + 40);
    return Buffer.concat([header, payload]);
  }

  /**
   * Stores an entry: written beside its place under a unique name, then
   * renamed over it, so a reader (another process included) sees the old
   * entry, the new one, or none, never half of one. Failures are ignored: the
   * cache is an optimisation, and a read-only or full disk must not stop the
   * analysis.
   */
  put(key: string, facts: T): void {
    this.putPayload(key, serialize(this.codec.encode(facts)));
  }

  /** Stores a payload `serialize` made (v8's serialization of an entry; `serializeFacts` for facts), as `put` does. */
  putPayload(key: string, payload: Uint8Array): void {
    const target = this.entryPath(key);
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(temp, this.encodePayload(payload));
      fs.renameSync(temp, target);
    } catch {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // nothing more to do
      }
    }
  }

  /** Removes the entries of other analysis versions: they can never be read again. */
  pruneOtherVersions(): void {
    const root = path.dirname(this.dir);
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      return;
    }
    // An upgrade leaves a folder of entries per file behind; deleting thousands of them took seconds
    // before the first file was read. It is moved aside at once and deleted in the background while the
    // files are read; the CLI waits for it before it exits (removalsDone), and a deletion cut short
    // anyway (a killed process) is taken up by the next run.
    for (const name of names) {
      const old = path.join(root, name);
      let doomed: string | undefined;
      if (/^[0-9a-f]{40}\.removing-\d+$/.test(name)) doomed = old;
      else if (name !== this.version && /^[0-9a-f]{40}$/.test(name)) {
        doomed = `${old}.removing-${process.pid}`;
        try {
          fs.renameSync(old, doomed);
        } catch {
          continue;
        }
      }
      if (doomed) {
        const removal = fs.promises.rm(doomed, { recursive: true, force: true }).catch(() => undefined);
        removals.add(removal);
        void removal.finally(() => removals.delete(removal));
      }
    }
  }
}

const removals = new Set<Promise<unknown>>();

/** The folders of other versions still being deleted in the background (pruneOtherVersions): a CLI run waits for them before it exits. */
export async function removalsDone(): Promise<void> {
  while (removals.size > 0) await Promise.all([...removals]);
}

/** The CLI's default cache folder: $XDG_CACHE_HOME/rust-consolidate, else ~/.cache/rust-consolidate. */
export function defaultCacheFolder(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(base, 'rust-consolidate');
}
