// The server's intervals (GET /ui/config), loaded once after login.

import {api} from './api.js';

export const settings = {staleAfterSeconds: 300, healthIntervalSeconds: 30, loaded: false};

export async function loadSettings() {
  const c = await api.config();
  if (c.stale_after_seconds != null) settings.staleAfterSeconds = c.stale_after_seconds;
  if (c.health_interval_seconds != null) settings.healthIntervalSeconds = c.health_interval_seconds;
  settings.loaded = true;
  return settings;
}

export function seconds(n) {
  if (n >= 3600 && n % 3600 === 0) return `${n / 3600} h`;
  if (n >= 60 && n % 60 === 0) return `${n / 60} min`;
  return `${n} s`;
}
