/**
 * The device's queue of what the inspector did (task results and new reports), in IndexedDB so it survives a
 * reload, a dead battery and days without network. Every item gets its Idempotency-Key when the inspector acts;
 * photos are kept as blobs until uploaded. Sending is: upload the photos not yet uploaded (each id is saved at once),
 * then POST with the item's key. The server answers a key it has seen with what it did the first time, so an
 * item whose answer was lost is simply sent again: it is applied once, and then leaves the queue.
 *
 * Everything goes through the queue, online or not: one path, and a tap never waits for the network.
 */
import { ApiError } from '../shared/api';
import { postJsonWithKey, uploadPhoto } from '../resident/report/http';

export interface QueuedPhoto {
  blob: Blob;
  uploadedId: string | null;
}

export interface QueuedItem {
  key: string;
  /** Who acted: only their session sends it (another inspector signing in on the same phone does not). */
  userId: string;
  kind: 'report' | 'result';
  path: string;
  body: Record<string, unknown>;
  photos: QueuedPhoto[];
  createdAt: string;
  /** What the inspector sees in the queue (the order code and title, or the report's category). */
  label: string;
  /** The order a result belongs to (its task shows "waiting to send"). */
  orderId: string | null;
  state: 'waiting' | 'failed';
  error: string | null;
}

export interface SentItem {
  key: string;
  kind: QueuedItem['kind'];
  label: string;
  orderCode: string;
  at: string;
}

const DB = 'cg-inspector';
const STORE = 'outbox';
const SENT_KEY = 'cg.inspector.sent';

let dbPromise: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('indexedDB open failed'));
  });
  return dbPromise;
}

function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error ?? new Error('indexedDB failed'));
        tx.onabort = () => reject(tx.error ?? new Error('indexedDB aborted'));
      }),
  );
}

let currentUser: string | null = null;

/** The queue of the signed-in user, oldest first. */
export async function listQueued(): Promise<QueuedItem[]> {
  const items = await run<QueuedItem[]>('readonly', (s) => s.getAll() as IDBRequest<QueuedItem[]>);
  return items.filter((i) => i.userId === currentUser).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

const put = (item: QueuedItem) => run('readwrite', (s) => s.put(item));
const remove = (key: string) => run('readwrite', (s) => s.delete(key));

// ---- listeners (the UI re-reads the queue when it changes) ----

const listeners = new Set<() => void>();
export function onQueueChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
const changed = () => listeners.forEach((fn) => fn());

export function listSent(): SentItem[] {
  try {
    return JSON.parse(localStorage.getItem(`${SENT_KEY}.${currentUser}`) ?? '[]') as SentItem[];
  } catch {
    return [];
  }
}

function recordSent(item: SentItem): void {
  try {
    localStorage.setItem(`${SENT_KEY}.${currentUser}`, JSON.stringify([item, ...listSent()].slice(0, 20)));
  } catch {
    // Only the "recently sent" list is lost.
  }
}

export async function enqueue(item: Omit<QueuedItem, 'state' | 'error' | 'createdAt' | 'userId'>): Promise<void> {
  if (!currentUser) throw new Error('outbox: nobody is signed in');
  await put({ ...item, userId: currentUser, createdAt: new Date().toISOString(), state: 'waiting', error: null });
  changed();
  void flush();
}

/** Discards an item the server refused (the inspector read why). */
export async function discard(key: string): Promise<void> {
  await remove(key);
  changed();
}

/** Puts a refused item back in line (e.g. after the photos' uploads expired). */
export async function retry(key: string): Promise<void> {
  const item = (await listQueued()).find((i) => i.key === key);
  if (!item) return;
  await put({ ...item, state: 'waiting', error: null, photos: item.photos.map((p) => ({ ...p, uploadedId: null })) });
  changed();
  void flush();
}

/** Why sending stopped: no network (or the server is away), or the session is gone (sign in again). */
export type FlushStop = 'offline' | 'signed_out' | null;

let running: Promise<FlushStop> | null = null;

/** Sends what is waiting, oldest first; one run at a time. */
export function flush(): Promise<FlushStop> {
  if (!running) {
    running = sendAll().finally(() => {
      running = null;
      changed();
    });
  }
  return running;
}

const transient = (e: unknown) => e instanceof ApiError && (e.status === 0 || e.status >= 500 || e.status === 408 || e.status === 429);

async function sendAll(): Promise<FlushStop> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return 'offline';
  for (const item of await listQueued()) {
    if (item.state !== 'waiting') continue;
    try {
      for (const photo of item.photos) {
        if (photo.uploadedId) continue;
        photo.uploadedId = (await uploadPhoto(photo.blob, null)).id;
        await put(item);
      }
      const answer = await postJsonWithKey<{ order: { code: string } }>(item.path, { ...item.body, photoIds: item.photos.map((p) => p.uploadedId) }, item.key);
      await remove(item.key);
      recordSent({ key: item.key, kind: item.kind, label: item.label, orderCode: answer.order.code, at: new Date().toISOString() });
      changed();
    } catch (e) {
      if (transient(e)) return 'offline';
      if (e instanceof ApiError && e.status === 401) return 'signed_out';
      await put({ ...item, state: 'failed', error: e instanceof Error ? e.message : String(e) });
      changed();
    }
  }
  return null;
}

/** For this signed-in user: sends when the network comes back, and every half minute while anything waits. */
export function startAutoFlush(userId: string): () => void {
  currentUser = userId;
  const online = () => void flush();
  window.addEventListener('online', online);
  const timer = window.setInterval(() => {
    void listQueued().then((items) => {
      if (items.some((i) => i.state === 'waiting')) void flush();
    });
  }, 30_000);
  void flush();
  return () => {
    window.removeEventListener('online', online);
    window.clearInterval(timer);
    currentUser = null;
  };
}
