/** Typed context helpers: the composition root sets the app state once, components read it. */
import { getContext, setContext } from 'svelte';
import type { AppState } from './app-state.svelte';

const KEY = Symbol('webprog.app-state');

/** Makes `state` available to every descendant component. Call in the root component. */
export function setAppState(state: AppState): AppState {
  return setContext(KEY, state);
}

/** The app state set by {@link setAppState}; throws if a component is used outside the app. */
export function getAppState(): AppState {
  const state = getContext<AppState | undefined>(KEY);
  if (!state) throw new Error('getAppState() called outside <App>: no app state in context.');
  return state;
}
