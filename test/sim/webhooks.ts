/**
 * Webhook delivery, as GitHub does it: an HTTP POST of the JSON payload to the app's webhook URL with
 * `x-github-event`, `x-github-delivery`, `x-hub-signature-256` (HMAC-SHA256 of the exact body with the app's
 * secret) and GitHub's user agent. Tests can ask for duplicate, delayed and out-of-order deliveries.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Json } from "./types.js";

export interface Delivery {
  id: string;
  event: string;
  action: string | undefined;
  payload: Json;
  status: number | null;
  error?: string;
  /** When it was last sent (epoch ms). */
  sentAt?: number;
  /** How long the app took to answer, in milliseconds. */
  ms?: number;
  /** GitHub failed to deliver it (DeliveryOptions.drop): the app never saw it. */
  dropped?: boolean;
}

export interface DeliveryOptions {
  /** Deliver each event this many times (same delivery id, as GitHub's redeliveries). */
  copies?: number;
  /** Hold deliveries and release them in reverse order when flushed. */
  reverse?: boolean;
  /** Added before each delivery, in milliseconds. */
  delayMs?: number;
  /**
   * Events GitHub fails to deliver: they are listed with `dropped: true` and never sent (GitHub does not redeliver
   * a failed delivery by itself).
   */
  drop?: (event: string, payload: Json) => boolean;
}

export class WebhookDeliverer {
  readonly deliveries: Delivery[] = [];
  target: { url: string; secret: string } | null = null;
  /**
   * Replicas behind one webhook URL: when set, deliveries (and each copy of one) go to these in turn instead of
   * `target`, as a load balancer in front of several app processes spreads them.
   */
  replicas: Array<{ url: string; secret: string }> | null = null;
  private turn = 0;
  options: DeliveryOptions = {};
  private held: Array<() => Promise<void>> = [];
  private inFlight = new Set<Promise<void>>();
  /** Hold every delivery until `release()`: to send several events together, in any order. */
  holding = false;
  /** Checks a payload against GitHub's webhook schemas; problems become violations. */
  validate?: (event: string, payload: Json) => string[];
  onViolation?: (problem: string) => void;

  emit(event: string, payload: Json): void {
    for (const problem of this.validate?.(event, payload) ?? []) this.onViolation?.(`webhook ${event}.${String(payload["action"] ?? "")}: ${problem}`);
    const delivery: Delivery = { id: randomUUID(), event, action: payload["action"] as string | undefined, payload, status: null };
    this.deliveries.push(delivery);
    if (this.options.drop?.(event, payload)) {
      delivery.dropped = true;
      return;
    }
    const send = async () => {
      const copies = this.options.copies ?? 1;
      for (let i = 0; i < copies; i++) await this.post(delivery);
    };
    if (this.holding || this.options.reverse) this.held.push(send);
    else this.track(send());
  }

  /** Sends what is held: in reverse order with `reverse`, else shuffled by `order` when given. */
  async release(order?: (count: number) => number[]): Promise<void> {
    const held = this.held;
    this.held = [];
    const sequence = order ? order(held.length).map((i) => held[i]!) : this.options.reverse ? [...held].reverse() : held;
    for (const send of sequence) this.track(send());
    await this.settled();
  }

  /** Resolves when every delivery sent so far has been answered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async post(delivery: Delivery): Promise<void> {
    const target = this.replicas?.length ? this.replicas[this.turn++ % this.replicas.length]! : this.target;
    if (!target) return;
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    const body = JSON.stringify(delivery.payload);
    const started = Date.now();
    delivery.sentAt ??= started;
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/sim",
          "x-github-event": delivery.event,
          "x-github-delivery": delivery.id,
          "x-github-hook-id": "1",
          "x-github-hook-installation-target-type": "integration",
          "x-hub-signature-256": sign(target.secret, body),
        },
        body,
      });
      delivery.status = response.status;
      await response.arrayBuffer();
      delivery.ms = Date.now() - started;
    } catch (error) {
      delivery.error = String(error);
    }
  }
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}
