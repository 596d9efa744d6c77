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
