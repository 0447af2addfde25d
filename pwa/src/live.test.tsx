// @vitest-environment happy-dom
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { useLive } from "./live";

/** A stand-in EventSource: the test plays the server's events. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  closed = false;
  private listeners = new Map<string, (event: MessageEvent<string>) => void>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.closed = true;
  }
  send(type: string, data: unknown) {
    this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

function Watcher({ on, take }: { on: boolean; take: (data: { n: number }) => void }) {
  useLive<{ n: number }>(on ? "/api/v1/me/delegations/live" : null, "delegations", take);
  return null;
}

describe("a screen following a live stream while something waits", () => {
  let host: HTMLElement;
  beforeEach(() => {
    FakeEventSource.opened = [];
    vi.stubGlobal("EventSource", FakeEventSource);
    host = document.createElement("div");
    document.body.append(host);
  });
  afterEach(() => {
    render(null, host);
    host.remove();
    vi.unstubAllGlobals();
  });

  it("opens no stream while nothing waits", () => {
    act(() => render(<Watcher on={false} take={() => undefined} />, host));
    expect(FakeEventSource.opened).toEqual([]);
  });

  it("hands each event of its type on, and closes the stream once nothing waits", () => {
    const taken: number[] = [];
    act(() => render(<Watcher on take={(data) => taken.push(data.n)} />, host));
    const [stream] = FakeEventSource.opened;
    expect(stream.url).toBe("/api/v1/me/delegations/live");
    act(() => stream.send("delegations", { n: 1 }));
    act(() => stream.send("other", { n: 9 }));
    act(() => stream.send("delegations", { n: 2 }));
    expect(taken).toEqual([1, 2]);
    act(() => render(<Watcher on={false} take={(data) => taken.push(data.n)} />, host));
    expect(stream.closed).toBe(true);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it("closes the stream when the screen goes", () => {
    act(() => render(<Watcher on take={() => undefined} />, host));
    act(() => render(null, host));
    expect(FakeEventSource.opened[0].closed).toBe(true);
  });
});
