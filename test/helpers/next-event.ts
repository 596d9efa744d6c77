/** The next `name` event, failing after `timeoutMs` instead of hanging the run. */
export function nextEvent(target: EventTarget, name: string, timeoutMs = 20_000): Promise<Event> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(
      name,
      (event) => {
        clearTimeout(timer);
        resolve(event);
      },
      { once: true },
    );
  });
}

/**
 * Resolves once `condition()` holds, checked now and at every `name` event (e.g. `timeupdate`), failing after
 * `timeoutMs` with `what` in the message instead of hanging the run.
 */
export function eventually(target: EventTarget, name: string, condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      target.removeEventListener(name, check);
      resolve();
    };
    const timer = setTimeout(() => {
      target.removeEventListener(name, check);
      reject(new Error(`${what}: not reached within ${timeoutMs} ms of ${name} events`));
    }, timeoutMs);
    target.addEventListener(name, check);
  });
}

/** The next of any of the `names` events, failing after `timeoutMs` instead of hanging the run. */
export function firstEvent(target: EventTarget, names: string[], timeoutMs = 20_000): Promise<Event> {
  return new Promise((resolve, reject) => {
    const done = (event?: Event) => {
      clearTimeout(timer);
      for (const name of names) target.removeEventListener(name, done);
      event ? resolve(event) : reject(new Error(`none of ${names.join(', ')} within ${timeoutMs} ms`));
    };
    const timer = setTimeout(done, timeoutMs);
    for (const name of names) target.addEventListener(name, done);
  });
}
