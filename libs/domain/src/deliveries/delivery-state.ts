/**
 * A delivery is one event owed to one subscription. PENDING waits for a batch (and is "held"
 * while its subscription is PAUSED), IN_BATCH rides in a batch being sent, and the rest are final.
 */
export enum DeliveryState {
  PENDING = 'PENDING',
  IN_BATCH = 'IN_BATCH',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}
