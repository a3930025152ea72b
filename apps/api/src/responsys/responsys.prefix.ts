/** Every Responsys event-notification route sits under this prefix. */
export const RESPONSYS_PREFIX = 'rest/api/v1.3/notifications';
