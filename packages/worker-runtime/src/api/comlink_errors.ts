/**
 * Comlink sends a thrown Error as {message, name, stack} only, so a FrameError's `code` ('empty-frame',
 * 'bad-frame', ...) would not reach the page. This wraps Comlink's "throw" handler in the worker to
 * send the code too; the page needs nothing: Comlink's own deserializer copies every field it gets
 * onto the Error it rethrows (`Object.assign(new Error(message), value)`).
 */
import * as Comlink from 'comlink';

interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

let installed = false;

export function errorCodesAcrossComlink(): void {
  if (installed) return;
  const base = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<unknown, SerializedThrow> | undefined;
  if (!base) throw new Error('Comlink has no "throw" transfer handler to extend.');
  Comlink.transferHandlers.set('throw', {
    canHandle: (value): value is unknown => base.canHandle(value),
    serialize(thrown) {
      const [serialized, transferables] = base.serialize(thrown);
      const error = (thrown as { value?: unknown }).value;
      if (serialized.isError && error instanceof Error && 'code' in error && typeof error.code === 'string') {
        serialized.value = { ...(serialized.value as object), code: error.code };
      }
      return [serialized, transferables];
    },
    deserialize: (serialized) => base.deserialize(serialized as SerializedThrow),
  });
  installed = true;
}
