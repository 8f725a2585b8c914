// A JSONL record of every OSS request the emulator received and how it ended, one line per request,
// written when its connection lets go of it (`npm run emulator -- --request-log FILE`). It is what a
// test outside the emulator's process reads to tell, e.g., whether a part OSS had already stored was
// sent again. Lines are written synchronously: a SIGKILLed emulator loses only requests still in
// flight, never one it had answered. Runs as the first fault-injection hook, so it sees every request
// before a fault does, and counts the body bytes the handler actually read (a reset cuts them short).

import { closeSync, openSync, writeSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { FaultInjector } from '../request-pipeline.ts';
import { interceptBody } from './body-interception.ts';
import { answerWasLost } from './lose-answer.ts';

export interface RequestLogLine {
  /** Date.now() when the request's headers were parsed. */
  receivedAt: number;
  /** Date.now() when the answer was handed to the network, or the connection closed without one. */
  settledAt: number;
  operation: string;
  method: string;
  bucket?: string;
  key: string;
  uploadId?: string;
  partNumber?: number;
  /** HTTP status of the answer sent in full; 0 when none was (connection cut, answer lost). */
  status: number;
  /** The request ran to its end (committed) and its answer was then cut by the lose-answer fault. */
  answerLost: boolean;
  /** Request-body bytes the emulator read, also of a request cut off mid-body. */
  bytes: number;
}

export interface RequestLog {
  faultInjector: FaultInjector;
  close(): void;
}

function counting(entry: { bytes: number }) {
  return async function* count(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      entry.bytes += chunk.length;
      yield chunk;
    }
  };
}

function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://emulator').searchParams;
}

/** Appends to `path` (created if missing), so one file holds the requests of every run on a data dir. */
export function createRequestLog(path: string): RequestLog {
  const fd = openSync(path, 'a');
  let open = true;
  const faultInjector: FaultInjector = async (operation, req, res, address) => {
    const query = queryOf(req);
    const partNumber = query.get('partNumber');
    const entry = {
      receivedAt: Date.now(),
      operation,
      method: req.method ?? 'GET',
      bucket: address.bucket,
      key: address.key,
      uploadId: query.get('uploadId') ?? undefined,
      partNumber: partNumber === null ? undefined : Number(partNumber),
      bytes: 0,
    };
    interceptBody(req, counting(entry));
    res.once('close', () => {
      const line: RequestLogLine = {
        ...entry,
        settledAt: Date.now(),
        status: res.writableFinished ? res.statusCode : 0,
        answerLost: answerWasLost(res),
      };
      if (open) writeSync(fd, `${JSON.stringify(line)}\n`);
    });
    return undefined;
  };
  return {
    faultInjector,
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/** The lines of a request log, skipping a last line cut short by a kill. */
export function parseRequestLog(text: string): RequestLogLine[] {
  const lines: RequestLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      lines.push(JSON.parse(raw) as RequestLogLine);
    } catch {
      // A partial line: the emulator was killed while writing it.
    }
  }
  return lines;
}
