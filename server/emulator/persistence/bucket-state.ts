// A bucket as the store holds it in memory: its record, its objects (with their keys in order for
// listings) and its unfinished uploads with their parts. Shared by the store, start-up recovery and
// the handlers that read it.
import type { SortedKeys } from './key-order.ts';
import type { BucketRecord, ObjectRecord, PartRecord, UploadRecord } from './records.ts';

export interface UploadState {
  record: UploadRecord;
  parts: Map<number, PartRecord>;
}

export interface BucketState {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
  keys: SortedKeys;
  uploads: Map<string, UploadState>;
}
