import { ACTION_STYLES, type ActionStyle } from '../../sinks/report/action-style.js';
import { VIEW_BUCKETS, type RecordStage, type TurnFields, type ViewBucket } from './turn-fields.js';

/**
 * Every indexed turn, in columns: where its line is (file, byte offset, length, line number) and
 * the fields the list needs. Typed arrays keep it at 45 bytes a turn (up to twice that while they
 * grow) plus the id (a string and a map entry): 100,000 turns take a few tens of MB whatever the
 * size of their histories.
 */

const STAGES: readonly RecordStage[] = ['turn', 'king', 'challenger', 'scored'];
const NO_ACTION = 255;

const FLAG_LEAK = 1;
const FLAG_DISAGREE = 2;

/** A turn's list fields, as the list and the turn page read them back (the search text stays in the search file). */
export type TurnSummary = Omit<TurnFields, 'searchText'> & {
  /** Position in the index (input order, 0-based). */
  ordinal: number;
};

/** Where a turn's line is. */
export interface TurnLocation {
  file: number;
  offset: number;
  bytes: number;
  line: number;
}

class Column<T extends Float64Array | Uint32Array | Uint8Array> {
  constructor(
    public data: T,
    private readonly make: (length: number) => T,
  ) {}

  set(index: number, value: number): void {
    if (index >= this.data.length) {
      const grown = this.make(Math.max(1024, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[index] = value;
  }
}

const f64 = (): Column<Float64Array> => new Column(new Float64Array(0), (n) => new Float64Array(n));
const u32 = (): Column<Uint32Array> => new Column(new Uint32Array(0), (n) => new Uint32Array(n));
const u8 = (): Column<Uint8Array> => new Column(new Uint8Array(0), (n) => new Uint8Array(n));

export class TurnIndex {
  private count = 0;
  private readonly ids: string[] = [];
  private readonly instances: string[] = [];
  private readonly repos: string[] = [];
  /** Repos and instances repeat across turns of one trajectory: one string each. */
  private readonly interned = new Map<string, string>();
  private readonly byId = new Map<string, number>();
  private readonly file = u8();
  private readonly offset = f64();
  private readonly bytes = u32();
  private readonly line = u32();
  private readonly score = f64();
  private readonly bucket = u8();
  private readonly stage = u8();
  private readonly action = u8();
  private readonly flips = u8();
  private readonly flags = u8();
  private readonly tokens = f64();
  private readonly cost = f64();

  get size(): number {
    return this.count;
  }

  /** The ordinal of `id`, if indexed. */
  ordinalOf(id: string): number | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(fields: TurnFields, location: TurnLocation): number {
    const i = this.count++;
    this.ids.push(fields.id);
    this.instances.push(this.intern(fields.instanceId));
    this.repos.push(this.intern(fields.repo));
    this.byId.set(fields.id, i);
    this.file.set(i, location.file);
    this.offset.set(i, location.offset);
    this.bytes.set(i, location.bytes);
    this.line.set(i, location.line);
    this.score.set(i, fields.score ?? Number.NaN);
    this.bucket.set(i, VIEW_BUCKETS.indexOf(fields.bucket));
    this.stage.set(i, STAGES.indexOf(fields.stage));
    this.action.set(i, fields.action === undefined ? NO_ACTION : ACTION_STYLES.indexOf(fields.action));
    this.flips.set(i, Math.min(255, fields.flips));
    this.flags.set(i, (fields.leak ? FLAG_LEAK : 0) | (fields.disagreement ? FLAG_DISAGREE : 0));
    this.tokens.set(i, fields.tokens);
    this.cost.set(i, fields.costUsd ?? Number.NaN);
    return i;
  }

  private intern(text: string): string {
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    this.interned.set(text, text);
    return text;
  }

  id(i: number): string {
    return this.ids[i]!;
  }

  location(i: number): TurnLocation {
    return { file: this.file.data[i]!, offset: this.offset.data[i]!, bytes: this.bytes.data[i]!, line: this.line.data[i]! };
  }

  /** NaN when the turn has no score. */
  scoreAt(i: number): number {
    return this.score.data[i]!;
  }

  bucketAt(i: number): ViewBucket {
    return VIEW_BUCKETS[this.bucket.data[i]!]!;
  }

  actionAt(i: number): ActionStyle | undefined {
    const code = this.action.data[i]!;
    return code === NO_ACTION ? undefined : ACTION_STYLES[code];
  }

  flipsAt(i: number): number {
    return this.flips.data[i]!;
  }

  leakAt(i: number): boolean {
    return (this.flags.data[i]! & FLAG_LEAK) !== 0;
  }

  disagreementAt(i: number): boolean {
    return (this.flags.data[i]! & FLAG_DISAGREE) !== 0;
  }

  summary(i: number): TurnSummary {
    const score = this.score.data[i]!;
    const cost = this.cost.data[i]!;
    return {
      ordinal: i,
      id: this.ids[i]!,
      instanceId: this.instances[i]!,
      repo: this.repos[i]!,
      stage: STAGES[this.stage.data[i]!]!,
      score: Number.isNaN(score) ? null : score,
      bucket: this.bucketAt(i),
      action: this.actionAt(i),
      flips: this.flips.data[i]!,
      disagreement: this.disagreementAt(i),
      leak: this.leakAt(i),
      tokens: this.tokens.data[i]!,
      costUsd: Number.isNaN(cost) ? undefined : cost,
    };
  }
}
