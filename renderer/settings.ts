/** The form's settings per context, remembered in the browser's storage (never credentials). */
import { defaultAgentConfig } from '../shared/agent-config.ts';
import type { AgentSettings } from '../shared/contract.ts';

export interface FormSettings extends AgentSettings {
  timeoutMinutes: number;
  keepResources: boolean;
}

/** The CLI's defaults (the core's), plus the form's own: 5 minutes, clean up. */
export function defaultSettings(namespace = 'default'): FormSettings {
  const config: Partial<ReturnType<typeof defaultAgentConfig>> = defaultAgentConfig({ namespace });
  delete config.runId; // every run gets its own, in main
  return { ...(config as AgentSettings), timeoutMinutes: 5, keepResources: false };
}

const key = (context: string) => `aicr-studio.settings.${context}`;

export function loadSettings(context: string, namespace: string): FormSettings {
  try {
    const saved = localStorage.getItem(key(context));
    if (saved) return { ...defaultSettings(namespace), ...(JSON.parse(saved) as Partial<FormSettings>) };
  } catch {
    // Unreadable saved settings: start from the defaults.
  }
  return defaultSettings(namespace);
}

export function saveSettings(context: string, settings: FormSettings): void {
  localStorage.setItem(key(context), JSON.stringify(settings));
}

/** The settings the contract takes (the form's extras removed). */
export function agentSettingsOf(settings: FormSettings): AgentSettings {
  const agent: Partial<FormSettings> = { ...settings };
  delete agent.timeoutMinutes;
  delete agent.keepResources;
  return agent as AgentSettings;
}
