/** The app's version, reported by the workers and shown in the UI and by `mp.app.version()`. */
export const APP_VERSION = '0.1.0';
