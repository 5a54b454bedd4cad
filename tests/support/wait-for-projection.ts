import type { apiClient } from "./http-client.js";

/** Polls /api/health until every stored event is projected. */
export async function waitForProjection(api: ReturnType<typeof apiClient>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await api<{ projection: { lagEvents: number } }>("GET", "/api/health");
    if (health.status === 200 && health.body.projection.lagEvents === 0) return;
    if (Date.now() > deadline) throw new Error(`projection still lagging: ${JSON.stringify(health.body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
