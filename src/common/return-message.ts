/** App Connect's user-facing notification, shown by the extension as a toast. */
export interface ReturnMessage {
  message: string;
  messageType: 'success' | 'warning' | 'danger';
  ttl: number;
  details?: Record<string, unknown>[];
}

export const success = (message: string, ttl = 3000): ReturnMessage => ({
  message,
  messageType: 'success',
  ttl,
});
export const warning = (message: string, ttl = 5000): ReturnMessage => ({
  message,
  messageType: 'warning',
  ttl,
});
export const danger = (message: string, ttl = 5000): ReturnMessage => ({
  message,
  messageType: 'danger',
  ttl,
});
