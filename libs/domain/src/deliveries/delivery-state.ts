/**
 * A delivery is one event owed to one subscription. PENDING waits for a batch (and is "held"
 * while its subscription is PAUSED); BATCHED rides in a batch, whose state (SENDING, DELIVERED,
 * FAILED) is the delivery's outcome; EXPIRED was held past the retention window.
 */
export enum DeliveryState {
  PENDING = 'PENDING',
  BATCHED = 'BATCHED',
  EXPIRED = 'EXPIRED',
}
