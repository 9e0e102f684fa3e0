/** What the core handed the connector for a log write: shown in the console as the CRM got it. */
export interface SentContent {
  subject: string | null;
  body: string | null;
}
