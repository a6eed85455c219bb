/** An RFC 3339 time from Gemini (`createTime`, `endTime` …) → Unix seconds, or null when absent or unreadable. */
export function unixSeconds(time: string | null | undefined): number | null {
  if (!time) return null;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}
